// Lambda functions as Archway stores them: one document per function holding $LATEST, its
// published versions, aliases, resource policy and tags, in AWS's own field names
// (Lambda API reference "FunctionConfiguration", "AliasConfiguration", "GetPolicy").

/** The runtimes the local runtime runs, all on the host's Node (README). */
export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x'] as const;
export type NodeRuntime = (typeof NODE_RUNTIMES)[number];

export const LATEST = '$LATEST';

/** Where a version's code lives: a zip in the store (by sha256) or a folder (`--functions`). */
export type CodeSource =
  | { kind: 'zip'; sha256Hex: string }
  | { kind: 'folder'; path: string };

/** One version's configuration: what `FunctionConfiguration` shows, plus where the code is. */
export interface FunctionVersionRecord {
  FunctionName: string;
  FunctionArn: string;
  Runtime: NodeRuntime;
  Role: string;
  Handler: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  /** base64 of the zip's SHA-256, as AWS prints it. */
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  RevisionId: string;
  Architectures: string[];
  code: CodeSource;
}

export interface AliasRecord {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RevisionId: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: { Service: string } | { AWS: string } | string;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface FunctionDefinition {
  name: string;
  latest: FunctionVersionRecord;
  /** Published versions by number ("1", "2", …). */
  versions: Record<string, FunctionVersionRecord>;
  aliases: Record<string, AliasRecord>;
  /** Resource policy statements by qualifier ('' = the unqualified function). */
  policies: Record<string, PolicyStatement[]>;
  tags?: Record<string, string>;
  nextVersion: number;
  /** Declared by `--functions`: lives in memory, read-only through the API. */
  declared?: true;
}

/** `arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]` */
export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
}

/** `2024-01-31T12:00:00.000+0000`, Lambda's LastModified format. */
export function lambdaDate(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}
