import { findMissingVariables, listOutputVariables, renderContent, validateContentTemplates, type TemplateContext } from './content-template.ts';

const context: TemplateContext = {
  customer: { id: 'c-1', attributes: { firstName: 'Ada & <Bob>', tier: 'gold', empty: null } },
  offer: { name: 'spring', value: 15 },
};

describe('validateContentTemplates', () => {
  it('accepts the allowed variables and blocks', () => {
    const content = {
      subject: 'Hi {{customer.attributes.firstName}}, {{offer.name}} for {{offer.value}}',
      body: '{{#if customer.attributes.tier}}{{customer.attributes.tier}}{{else}}{{customer.id}}{{/if}}{{!-- note --}}',
      list: ['{{#unless customer.attributes.tier}}new{{/unless}}', 7, null],
    };

    expect(validateContentTemplates(content, ['firstName', 'tier'])).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['unknown root', '{{customer.name}}', "unknown variable 'customer.name'"],
    ['undeclared attribute', '{{customer.attributes.lastName}}', "'lastName', which is not in requiredAttributes"],
    ['syntax error', '{{#if customer.id}}open', 'is not a valid template'],
    ['triple stash', '{{{customer.id}}}', 'unescaped output'],
    ['ampersand', '{{& customer.id}}', 'unescaped output'],
    ['partial', '{{> footer}}', 'partial'],
    ['each block', '{{#each customer.attributes}}x{{/each}}', '{{#each}}'],
    ['helper call', '{{lookup customer.attributes "tier"}}', 'helper'],
    ['hash argument', '{{#if customer.id includeZero=true}}x{{/if}}', 'exactly one variable'],
    ['this', '{{this.customer.id}}', "'this.customer.id'"],
    ['parent path', '{{../customer.id}}', "'../customer.id'"],
    ['data variable', '{{@root.customer.id}}', "'@root.customer.id'"],
    ['literal condition', '{{#if true}}x{{/if}}', 'literal'],
  ])('rejects %s', (_name, template, message) => {
    const problems = validateContentTemplates({ field: template }, ['firstName']);

    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('field');
    expect(problems[0]?.message).toContain(message);
  });

  it('names nested paths', () => {
    const problems = validateContentTemplates({ blocks: [{ text: 'ok' }, { text: '{{offer.price}}' }] }, []);

    expect(problems.map((problem) => problem.path)).toEqual(['blocks[1].text']);
  });

  it('accepts attribute names that start with this', () => {
    expect(validateContentTemplates({ field: '{{customer.attributes.thisYear}}' }, ['thisYear'])).toEqual([]);
  });
});

describe('renderContent', () => {
  it('escapes only where asked', () => {
    const content = { html: '<p>{{customer.attributes.firstName}}</p>', text: '{{customer.attributes.firstName}}' };

    const rendered = renderContent(content, context, (path) => path === 'html');

    expect(rendered).toEqual({ html: '<p>Ada &amp; &lt;Bob&gt;</p>', text: 'Ada & <Bob>' });
  });

  it('keeps the shape and non-string values', () => {
    const rendered = renderContent({ n: 3, flag: true, list: ['{{offer.value}}', { id: '{{customer.id}}' }] }, context, () => false);

    expect(rendered).toEqual({ n: 3, flag: true, list: ['15', { id: 'c-1' }] });
  });

  it('throws on a missing variable because rendering is strict', () => {
    expect(() => renderContent({ text: '{{customer.attributes.missing}}' }, context, () => false)).toThrow('missing');
  });
});

describe('findMissingVariables', () => {
  it('finds an absent or null output variable', () => {
    expect(findMissingVariables({ text: 'Hi {{customer.attributes.nickname}}' }, context)).toEqual({ path: 'text', variable: 'customer.attributes.nickname' });
    expect(findMissingVariables({ text: '{{customer.attributes.empty}}' }, context)?.variable).toBe('customer.attributes.empty');
  });

  it('ignores variables used only as conditions', () => {
    const content = { text: '{{#if customer.attributes.nickname}}x{{/if}}' };

    expect(listOutputVariables(content)).toEqual([]);
    expect(findMissingVariables(content, context)).toBeNull();
  });
});
