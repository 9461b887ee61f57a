// Whether a client takes a gzip-encoded answer, from its Accept-Encoding (RFC 9110 12.5.3): gzip
// (or x-gzip) listed with a weight above zero, or `*` above zero and gzip not refused by name.
// "gzip;q=0" is a refusal, which a plain look for the word would read as a yes.

export function acceptsGzip(header: string | undefined): boolean {
  let named: number | undefined;
  let any: number | undefined;
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(weight)) continue;
    if (coding === 'gzip' || coding === 'x-gzip') named = Math.max(named ?? 0, weight);
    else if (coding === '*') any = weight;
  }
  return named !== undefined ? named > 0 : (any ?? 0) > 0;
}
