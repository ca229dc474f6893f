/**
 * The offer Pacer forwards to a carrier or an agent phone: the session part of FreeSWITCH's SDP
 * plus its first plain-RTP (`RTP/AVP`) audio m-line, every other m-line dropped (an `RTP/SAVP`
 * one with its `a=crypto` lines, video, ...). A carrier answers one audio stream; forwarding an
 * SRTP alternative made FreeSWITCH negotiate SRTP with itself on 3pcc endpoints (docs/telephony.md).
 * Returns undefined when the SDP has no plain-RTP audio m-line at all.
 *
 * @example
 * ```ts
 * const offer = singleAudioOffer(endpoint.localSdp); // 'v=0\r\n...m=audio 16390 RTP/AVP 0 101\r\n...'
 * ```
 */
export function singleAudioOffer(sdp: string): string | undefined {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/).filter((line) => line !== '');
  const session: string[] = [];
  const media: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) media.push([line]);
    else if (media.length > 0) media[media.length - 1]?.push(line);
    else session.push(line);
  }
  const audio = media.find((section) => /^m=audio \d+ RTP\/AVP /.test(section[0] ?? ''));
  if (!audio) return undefined;
  return [...session, ...audio.filter((line) => !line.startsWith('a=crypto:'))].join(eol) + eol;
}
