/**
 * mbox files: messages separated by a `From ` line at the start of a line (mboxo/mboxrd, as
 * Thunderbird, mutt and Google Takeout write them). One linear pass over the bytes.
 */

const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "

/** True when the bytes start like an mbox file rather than a single message. */
export function isMbox(bytes: Uint8Array): boolean {
  return startsWithFrom(bytes, 0);
}

function startsWithFrom(bytes: Uint8Array, at: number): boolean {
  if (at + FROM_.length > bytes.length) return false;
  for (let i = 0; i < FROM_.length; i++) if (bytes[at + i] !== FROM_[i]) return false;
  return true;
}

/**
 * The messages of an mbox, without their `From ` separator line, `>From ` unquoted (mboxrd),
 * in file order. Bytes before the first separator are ignored.
 */
export function splitMbox(bytes: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if ((i === 0 || bytes[i - 1] === 0x0a) && startsWithFrom(bytes, i)) starts.push(i);
  }
  const messages: Uint8Array[] = [];
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k] ?? 0;
    const end = starts[k + 1] ?? bytes.length;
    let bodyStart = bytes.indexOf(0x0a, start);
    bodyStart = bodyStart < 0 || bodyStart >= end ? end : bodyStart + 1;
    messages.push(unquoteFrom(bytes.subarray(bodyStart, end)));
  }
  return messages;
}

/** mboxrd: a body line `>From ` (any number of `>`) loses one `>`. */
function unquoteFrom(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length);
  let written = 0;
  let lineStart = true;
  for (let i = 0; i < message.length; i++) {
    const byte = message[i] ?? 0;
    if (lineStart && byte === 0x3e) {
      let j = i;
      while (message[j] === 0x3e) j++;
      if (startsWithFrom(message, j)) {
        // Drop this one '>' and copy the rest of the run as is.
        lineStart = false;
        continue;
      }
    }
    out[written++] = byte;
    lineStart = byte === 0x0a;
  }
  return out.subarray(0, written);
}
