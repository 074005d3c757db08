// The one error a mapping template raises, at compile or render time: a syntax error, a Java
// exception, a budget exceeded. The data plane answers it with AWS's 500 (API_CONFIGURATION_ERROR).
export class TemplateError extends Error {
  readonly line: number | undefined;
  constructor(detail: string, line?: number) {
    super(line === undefined ? `template error: ${detail}` : `template error at line ${line}: ${detail}`);
    this.name = 'TemplateError';
    this.line = line;
  }
}
