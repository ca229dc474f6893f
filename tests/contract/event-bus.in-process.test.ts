import { InProcessEventBus } from '../../src/adapters/bus/in-process-event-bus.ts';
import { describeEventBusContract } from './event-bus.contract.ts';

describeEventBusContract('in-process', async ({ logger }) => {
  const bus = new InProcessEventBus({ logger });
  return { bus, dispose: () => bus.close() };
});
