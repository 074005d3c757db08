// AWS's query protocol, as IAM (and STS) speak it: a form-encoded POST naming the `Action`,
// answered in XML, errors as `<ErrorResponse>` (AWS Query API, "Making Query requests" and
// "Common errors": https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf#CommonErrors,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/programming.html). The AWS SDK and CLI parse
// exactly these shapes.
import { AwsServiceError } from '../aws/errors.js';
import type { OperationRequest, OperationResponse } from './route-table.js';

/** An XML fragment, already escaped; `xml()` builds them. */
export type XmlText = { readonly xml: string };

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

type XmlValue = string | number | boolean | XmlText | undefined | readonly XmlText[];

/** `<Name>value</Name>` per defined member, in the order given (text escaped; lists as `<member>`s). */
export function xml(members: Readonly<Record<string, XmlValue>>): XmlText {
  let out = '';
  for (const [name, value] of Object.entries(members)) {
    if (value === undefined) continue;
    let inner: string;
    if (Array.isArray(value)) inner = value.map((item: XmlText) => `<member>${item.xml}</member>`).join('');
    else if (typeof value === 'object') inner = (value as XmlText).xml;
    else inner = escape(String(value));
    out += `<${name}>${inner}</${name}>`;
  }
  return { xml: out };
}

/** A list of plain strings (`<member>name</member>` each). */
export const members = (values: readonly string[]): XmlText[] => values.map((value) => ({ xml: escape(value) }));

/** ISO 8601 with seconds, as IAM writes dates. */
export const isoDate = (epochMs: number): string => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class QueryService {
  constructor(
    /** The service's XML namespace, e.g. `https://iam.amazonaws.com/doc/2010-05-08/`. */
    readonly namespace: string,
  ) {}

  /** `<{Action}Response>` with its result (when it has one) and the request id. */
  answer(action: string, requestId: string, result?: XmlText): OperationResponse {
    const body = `<${action}Response xmlns="${this.namespace}">`
      + (result === undefined ? '' : `<${action}Result>${result.xml}</${action}Result>`)
      + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    return { statusCode: 200, raw: { contentType: 'text/xml', data: body } };
  }

  /** `<ErrorResponse>`: `Sender` faults for 4xx, `Receiver` for 5xx. */
  readonly renderError = (error: AwsServiceError, requestId: string): OperationResponse => {
    const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
    const body = `<ErrorResponse xmlns="${this.namespace}"><Error><Type>${type}</Type><Code>${escape(error.type)}</Code>`
      + `<Message>${escape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { statusCode: error.statusCode, raw: { contentType: 'text/xml', data: body } };
  };
}

/** The request's parameters: the form body and the query string (GET requests carry them there). */
export function queryParameters(request: OperationRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  if (request.rawBody.length > 0) for (const [name, value] of new URLSearchParams(request.rawBody.toString('utf8'))) params.append(name, value);
  return params;
}

/** A parameter the action needs: IAM's ValidationError names it in the member's lower-camel case. */
export function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null) {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw new AwsServiceError('ValidationError', 400, `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** `Name.member.N` lists (`Tags.member.1.Key`): the entries by N, in order. */
export function memberList(params: URLSearchParams, name: string): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  const prefix = `${name}.member.`;
  for (const [key, value] of params) {
    if (!key.startsWith(prefix)) continue;
    const [index, field] = key.slice(prefix.length).split('.');
    const n = Number(index);
    if (!Number.isInteger(n) || field === undefined) continue;
    let entry = byIndex.get(n);
    if (entry === undefined) byIndex.set(n, (entry = Object.create(null) as Record<string, string>));
    entry[field] = value;
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}
