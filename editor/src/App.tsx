// The editor's pages and the bar that leads to them. Without a token, the login page.

import { useEffect, useState } from 'react'
import { getToken, onTokenChange, setToken } from './api/client'
import { Link, match, usePath } from './router'
import { useT } from './i18n/I18n'
import type { MessageId } from './i18n/intl'
import { PreferencesMenu } from './i18n/PreferencesMenu'
import { LoginPage } from './pages/LoginPage'
import { FlowListPage } from './pages/FlowListPage'
import { FlowEditorPage } from './pages/FlowEditorPage'
import { ChannelsPage } from './pages/ChannelsPage'
import { EmergencyPage } from './pages/EmergencyPage'
import { SkillsPage } from './pages/SkillsPage'
import { AgentsPage } from './pages/AgentsPage'
import { SupervisorPage } from './pages/SupervisorPage'

const sections: { to: string; label: MessageId; active?: (p: string) => boolean }[] = [
  { to: '/', label: 'nav.flows', active: (p: string) => p === '/' || p.startsWith('/flows') },
  { to: '/channels', label: 'nav.channels' },
  { to: '/emergency', label: 'nav.emergency' },
  { to: '/skills', label: 'nav.skills' },
  { to: '/agents', label: 'nav.agents' },
  { to: '/supervisor', label: 'nav.supervisor' },
]

export function App() {
  const t = useT()
  const [token, setTokenState] = useState(getToken())
  const path = usePath()
  useEffect(() => onTokenChange(() => setTokenState(getToken())), [])
  if (!token) return <LoginPage />
  const flow = match('/flows/:id', path)
  let page
  if (flow) page = <FlowEditorPage key={flow.id} id={flow.id} />
  else if (path === '/channels') page = <ChannelsPage />
  else if (path === '/emergency') page = <EmergencyPage />
  else if (path === '/skills') page = <SkillsPage />
  else if (path === '/agents') page = <AgentsPage />
  else if (path === '/supervisor') page = <SupervisorPage />
  else page = <FlowListPage />
  return (
    <div className="app">
      <nav className="topbar" aria-label={t('nav.sections')}>
        <span className="brand">Switchboard</span>
        {sections.map((s) => (
          <Link
            key={s.to}
            to={s.to}
            className={(s.active ? s.active(path) : path === s.to) ? 'active' : undefined}
          >
            {t(s.label)}
          </Link>
        ))}
        <span className="spacer" />
        <PreferencesMenu />
        <button type="button" className="link" onClick={() => setToken(null)}>
          {t('nav.logout')}
        </button>
      </nav>
      <main className="page">{page}</main>
    </div>
  )
}
