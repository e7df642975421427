declare module 'virtual:api-examples' {
  /** the fenced bash blocks of docs/api.md's curl section, read at build time */
  const examples: string[]
  export default examples
}
