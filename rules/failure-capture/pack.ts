import { definePack } from '../../lib/rule';
import deadLetterQueueType from './dead-letter-queue-type';
import eventSourceFailureDestination from './event-source-failure-destination';
import eventbridgeTargetDlq from './eventbridge-target-dlq';
import lambdaAsyncFailureDestination from './lambda-async-failure-destination';
import queueDeadLetter from './queue-dead-letter';
import snsSubscriptionDlq from './sns-subscription-dlq';

export default definePack({
  id: 'failure-capture',
  title: 'Failure capture for asynchronous work (OPS10-BP01 Use a process for event, incident, and problem management)',
  description:
    'Work that fails asynchronously is kept, not lost: consumed queues redrive to dead-letter queues of the right type, ' +
    'asynchronously invoked functions and stream event sources have on-failure destinations, and EventBridge targets ' +
    'and SNS subscriptions have dead-letter queues.',
  rules: [
    queueDeadLetter,
    deadLetterQueueType,
    lambdaAsyncFailureDestination,
    eventSourceFailureDestination,
    eventbridgeTargetDlq,
    snsSubscriptionDlq,
  ],
});
