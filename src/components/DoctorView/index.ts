export { DoctorView, type DoctorViewProps, type DrillDown } from './DoctorView';
export type { ViewLink } from './Evidence';
export { DARK, LIGHT, type Palette, type Tone } from './palette';
