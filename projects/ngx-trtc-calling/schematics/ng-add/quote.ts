/** A TypeScript string literal in the quotes an Angular app's prettier/editorconfig style uses. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
