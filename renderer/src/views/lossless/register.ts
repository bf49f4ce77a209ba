/** Registers the Lossless tab. It needs no trace (it runs its own decodes), so it is always there, never the default. */
import { registerMainView } from '../../components/main-views';
import { LosslessView } from './LosslessView';

registerMainView({ id: 'lossless', label: 'Lossless', available: () => true, priority: -1, component: LosslessView });
