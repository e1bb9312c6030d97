import { describe, expect, it } from 'vitest';
import { QueryParams } from '../../../src/lab/api/query.js';
import { credentialScope } from '../../../src/lab/api/server.js';
import { element, list } from '../../../src/lab/api/xml.js';

describe('QueryParams', () => {
  it('reads the three list encodings of the query protocols', () => {
    const p = QueryParams.parse(
      [
        'InstanceId.2=i-b',
        'InstanceId.1=i-a',
        'Targets.member.1.Id=i-1',
        'Targets.member.1.Port=80',
        'Filters.Filter.1.Name=db-instance-id',
        'Filters.Filter.1.Values.Value.1=lab-db',
        'Filter.1.Name=tag%3Aapp',
        'Filter.1.Value.1=web',
        'DryRun=true',
      ].join('&'),
    );
    expect(p.strList('InstanceId')).toEqual(['i-a', 'i-b']);
    expect(p.list('Targets').map((t) => [t.str('Id'), t.int('Port')])).toEqual([['i-1', 80]]);
    const f = p.list('Filters')[0];
    expect([f?.str('Name'), f?.strList('Values')]).toEqual(['db-instance-id', ['lab-db']]);
    const g = p.list('Filter')[0];
    expect([g?.str('Name'), g?.strList('Value')]).toEqual(['tag:app', ['web']]);
    expect(p.bool('DryRun')).toBe(true);
    expect(p.strList('Missing')).toEqual([]);
  });
});

describe('credentialScope', () => {
  it('takes the service and key from a SigV4 Authorization header', () => {
    const h =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=abc';
    expect(credentialScope(h)).toEqual({ accessKeyId: 'AKIDEXAMPLE', service: 'elasticloadbalancing' });
    expect(credentialScope(undefined)).toEqual({ accessKeyId: '', service: undefined });
  });
});

describe('xml element', () => {
  it('escapes text, omits undefined, writes lists with their member name', () => {
    expect(element('a', { b: 'x<y&"z"', c: undefined, d: list('Tag', [{ Key: 'k' }]), e: false })).toBe(
      '<a><b>x&lt;y&amp;&quot;z&quot;</b><d><Tag><Key>k</Key></Tag></d><e>false</e></a>',
    );
  });
});
