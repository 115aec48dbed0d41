// What the inspector's fields need besides their value: where to write, the problems the server
// found at each path, and the names to suggest.

import { createContext, useContext } from 'react'
import type { EnvField } from '../catalogue/catalogue'
import type { Diagnostic } from '../api/types'
import type { ParamPath } from '../document/flowText'
import type { Suggest } from './form'

export interface FormContext {
  /** Writes a value at a path inside the block's params; undefined removes it. */
  set: (path: ParamPath, value: unknown) => void
  move: (path: ParamPath, from: number, to: number) => void
  /** The problems at exactly this path (rules[0].exit). */
  problemsAt: (path: string) => Diagnostic[]
  /** The problems at this path or inside it. */
  problemsUnder: (path: string) => Diagnostic[]
  environment: EnvField[]
  functions: EnvField[]
  variables: string[]
  suggestions: (kind: Suggest) => string[]
  readOnly: boolean
}

export const FormCtx = createContext<FormContext | null>(null)

export function useForm(): FormContext {
  const c = useContext(FormCtx)
  if (!c) throw new Error('a field outside of a form')
  return c
}

const commonCountries = ['AR', 'BR', 'CL', 'CO', 'DE', 'ES', 'FR', 'GB', 'IT', 'MX', 'PE', 'PT', 'US', 'UY']

let zones: string[] | null = null

/** The IANA time zones the browser knows. */
export function timeZones(): string[] {
  if (!zones) {
    try {
      zones = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone')
    } catch {
      zones = ['UTC', 'America/Argentina/Buenos_Aires', 'America/Mexico_City', 'America/Sao_Paulo', 'Europe/Madrid']
    }
  }
  return zones
}

export function countries(): string[] {
  return commonCountries
}
