/** The fenced bash blocks of one markdown section (the curl examples of docs/api.md). */
export function curlExamples(markdown: string, heading = '## Endpoints, with curl'): string[] {
  const start = markdown.indexOf(heading)
  if (start < 0) return []
  const next = markdown.indexOf('\n## ', start + heading.length)
  const section = markdown.slice(start, next < 0 ? undefined : next)
  return Array.from(section.matchAll(/```bash\n([\s\S]*?)```/g), (m) => m[1].trimEnd())
}
