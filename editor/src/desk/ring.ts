// The offer's ring: two short tones made with WebAudio (no audio file). Browsers allow sound
// only after the user touched the page; before that the ring is silent and only seen.

let ctx: AudioContext | null = null

/** Plays the ring once; the number of rings played is kept on the document for tests. */
export function ring(): void {
  try {
    ctx ??= new AudioContext()
    if (ctx.state === 'suspended') void ctx.resume()
    const now = ctx.currentTime
    for (const [at, freq] of [
      [0, 880],
      [0.25, 660],
    ] as const) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'sine'
      osc.frequency.value = freq
      gain.gain.setValueAtTime(0.0001, now + at)
      gain.gain.exponentialRampToValueAtTime(0.2, now + at + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.2)
      osc.connect(gain).connect(ctx.destination)
      osc.start(now + at)
      osc.stop(now + at + 0.22)
    }
    document.documentElement.dataset.rings = String(Number(document.documentElement.dataset.rings ?? 0) + 1)
  } catch {
    // no audio here: the offer still shows
  }
}
