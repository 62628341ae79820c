import { exhaustive } from '../../../../shared/schema/exits';
import type { FlowNode } from '../../../../shared/schema/nodes';
import { ApiFields } from './ApiFields';
import { AskFields } from './AskFields';
import { ConditionFields } from './ConditionFields';
import { EndFields } from './EndFields';
import { FlowTargetFields } from './FlowTargetFields';
import { FormSettings } from './FormFields';
import { GuardrailFields } from './GuardrailFields';
import { HandoffFields } from './HandoffFields';
import { KnowledgeFields } from './KnowledgeFields';
import { ListenFields } from './ListenFields';
import { LlmFields } from './LlmFields';
import { SetFields } from './SetFields';
import { StartFields } from './StartFields';

// The Behaviour section: one editor per node kind.

/** Whether the Behaviour section has anything for this kind (a message node's buttons live under Copy). */
export const hasBehaviour = (node: FlowNode): boolean => node.kind !== 'message';

export function BehaviourFields({ node }: { node: FlowNode }) {
  switch (node.kind) {
    case 'start':
      return <StartFields node={node} />;
    case 'message':
      return null;
    case 'ask':
      return <AskFields node={node} />;
    case 'listen':
      return <ListenFields node={node} />;
    case 'condition':
      return <ConditionFields node={node} />;
    case 'set':
      return <SetFields node={node} />;
    case 'llm':
      return <LlmFields node={node} />;
    case 'knowledge':
      return <KnowledgeFields node={node} />;
    case 'api':
      return <ApiFields node={node} />;
    case 'guardrail':
      return <GuardrailFields node={node} />;
    case 'handoff':
      return <HandoffFields node={node} />;
    case 'jump':
    case 'call':
      return <FlowTargetFields node={node} />;
    case 'end':
      return <EndFields node={node} />;
    case 'form':
      return <FormSettings node={node} />;
    default:
      return exhaustive(node);
  }
}
