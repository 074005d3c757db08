// Dot segments in a request path (`/a/../admin`, `%2e%2e`, `..%2f`): API Gateway's handling is
// not documented, and passing them on would let a `{proxy+}` value climb out of the backend
// path it is mapped into (`http://backend/files/{proxy}` → `/admin`). Archway refuses them, as
// Envoy's `normalize_path` and other front doors do, whether written plainly or
// percent-encoded, before any route is matched.

/** Whether the raw path has a `.` or `..` segment once percent-decoded (`/` and `\` both separate). */
export function hasDotSegment(rawPath: string): boolean {
  if (!rawPath.includes('.') && !rawPath.includes('%')) return false;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath; // malformed escapes: judged as written
  }
  for (const segment of path.split(/[/\\]/)) if (segment === '.' || segment === '..') return true;
  return false;
}
