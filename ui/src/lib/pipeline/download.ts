/** Saves a document as a .json file through the browser's download. */
export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const fileNameFor = (name: string): string => `${name.trim().replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'pipeline'}.json`;
