import { PanelPlugin } from '@grafana/data';
import { DoctorPanel } from './components/DoctorPanel/DoctorPanel';
import { addDoctorOptions, type DoctorOptions } from './options';

export const plugin = new PanelPlugin<DoctorOptions>(DoctorPanel).setPanelOptions(addDoctorOptions);
