/** Registers the compare view and keeps the run set in step with what the app shows. Imported once at startup. */
import { registerMainView } from '../components/main-views';
import { appStore } from '../store/store';
import { CompareView } from './CompareView';
import { attachRunSet } from './run-set';
import './compare.css';

attachRunSet(appStore);
registerMainView({ id: 'compare', label: 'Compare', available: (t) => t.steps.length > 0, priority: 0, component: CompareView });
