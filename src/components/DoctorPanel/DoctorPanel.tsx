// The panel Grafana mounts: the theme and Grafana's sub-path, then the body.
import type { PanelProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import { useTheme2 } from '@grafana/ui';
import { useMemo } from 'react';
import type { DoctorOptions } from '../../options';
import { DoctorPanelBody } from './DoctorPanelBody';
import { paletteFromTheme } from './themePalette';

export function DoctorPanel(props: PanelProps<DoctorOptions>) {
  const theme = useTheme2();
  const palette = useMemo(() => paletteFromTheme(theme), [theme]);
  return <DoctorPanelBody {...props} palette={palette} appSubUrl={config.appSubUrl ?? ''} />;
}
