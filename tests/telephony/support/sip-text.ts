/**
 * Just enough SIP text handling for the drachtio-server double: parse a message into its start
 * line, headers and body, and write one back (with a correct Content-Length).
 */
export interface SipText {
  startLine: string;
  headers: [string, string][];
  body: string;
}

export function parseSip(raw: string): SipText {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers, body };
}

export function header(msg: SipText, name: string): string | undefined {
  return msg.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

export function setHeader(msg: SipText, name: string, value: string): void {
  const existing = msg.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
  if (existing) existing[1] = value;
  else msg.headers.push([name, value]);
}

export function writeSip(msg: SipText): string {
  const headers = msg.headers.filter(([n]) => n.toLowerCase() !== 'content-length');
  headers.push(['Content-Length', String(Buffer.byteLength(msg.body, 'utf8'))]);
  return `${msg.startLine}\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${msg.body}`;
}

/** `INVITE sip:+1212...@carrier SIP/2.0` -> `INVITE`; responses give `undefined`. */
export function methodOf(msg: SipText): string | undefined {
  return msg.startLine.startsWith('SIP/2.0') ? undefined : msg.startLine.split(' ')[0];
}

/** The user part of a request URI: `INVITE sip:+12125550100@host SIP/2.0` -> `+12125550100`. */
export function requestUser(msg: SipText): string {
  const uri = msg.startLine.split(' ')[1] ?? '';
  return /^sips?:([^@;]+)@/.exec(uri)?.[1] ?? '';
}

/** A plausible audio SDP; `sessionName` lets the scripted media server tell callees apart. */
export function audioSdp(sessionName: string, port: number, version = 1): string {
  return [
    'v=0',
    `o=callee 1001 ${version} IN IP4 192.0.2.10`,
    `s=${sessionName}`,
    'c=IN IP4 192.0.2.10',
    't=0 0',
    `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}
