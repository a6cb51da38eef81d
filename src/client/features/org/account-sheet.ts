/** The account sheet as CSV (UTF-8 with BOM for Excel), for a school that prefers to mail-merge its slips. */
export function csvOfSheet(accounts: readonly { fullName: string; username: string; initialPassword: string }[]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [['Họ và tên', 'Tên đăng nhập', 'Mật khẩu ban đầu'], ...accounts.map((a) => [a.fullName, a.username, a.initialPassword])];
  return `\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
