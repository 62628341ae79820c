import { HttpMethod, type NodeOf } from '../../../../shared/schema/nodes';
import { NumberField, SelectField, TextField } from '../controls';
import { ApiRetryFields, ApiUrlsFields } from './ApiCallFields';
import { AssignList } from './AssignList';
import { opts } from './choices';
import { HeadersEditor } from './HeadersEditor';

export function ApiFields({ node }: { node: NodeOf<'api'> }) {
  return (
    <>
      <div className="insp-row">
        <TextField label="Operation" path={['operation']} value={node.operation} mono hint="Stories give fixture responses by this name." />
        <SelectField
          label="Method"
          path={['method']}
          value={node.method}
          options={opts(HttpMethod.options)}
          emptyLabel="default (GET)"
          className="insp-narrow"
        />
      </div>
      <TextField label="URL" path={['url']} value={node.url} mono placeholder="https://api.example.com/v1/{{customer.id}}" />
      <ApiUrlsFields node={node} />
      <HeadersEditor headers={node.headers} />
      {node.body === undefined || typeof node.body === 'string' ? (
        <TextField label="Body" path={['body']} value={node.body} optional mono rows={4} placeholder='{"id": "{{customer.id}}"}' />
      ) : (
        <p className="insp-hint">The body is YAML data (sent as JSON): edit it in the source view.</p>
      )}
      <NumberField label="Timeout (ms)" path={['timeoutMs']} value={node.timeoutMs} min={1} max={120000} step={500} placeholder="5000" hint="Per attempt." />
      <ApiRetryFields node={node} />
      <AssignList
        path="assign"
        items={node.assign ?? []}
        second="path"
        title="Response value"
        secondLabel="Path"
        secondPlaceholder="data.balance or $.data.accounts[0].balance"
        required={false}
      />
    </>
  );
}
