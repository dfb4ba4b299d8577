/** How a status reads at a glance; each tone has one pill colour. */
export type Tone = 'ok' | 'bad' | 'busy' | 'neutral';
