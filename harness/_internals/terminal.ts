/**
 * Text from tapes, targets and databases reaches the terminal: a crafted event id must not change
 * the window title, clear the screen or print a NUL. Every control character except newline and
 * tab is shown as `\xHH`; on a colour terminal idemgate's own colours (SGR, `ESC[…m`) and its
 * progress line's erase (`\r ESC[2K`) pass.
 */
 
const CONTROL = /\r\u001b\[2K|\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function terminalSafe(text: string, allowColour: boolean): string {
  return text.replace(CONTROL, (c) => {
    if (c.length > 1 && allowColour) return c;
    return [...c].map((ch) => (/[\n\t]/.test(ch) ? ch : /[\u0000-\u001f\u007f-\u009f]/.test(ch) ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch)).join('');
  });
}
