// A channel type's small icon, named for screen readers.

import { useT } from '../i18n/I18n'
import { channelTypeLabel } from './labels'

const glyphs: Record<string, string> = { facebook: 'f', instagram: '◎', twitter: '𝕏', webchat: '✉' }

export function ChannelIcon({ type }: { type: string }) {
  const t = useT()
  const name = channelTypeLabel(t, type)
  return (
    <span className={`channel-icon ${type}`} role="img" aria-label={name} title={name} data-channel-type={type}>
      {glyphs[type] ?? '•'}
    </span>
  )
}
