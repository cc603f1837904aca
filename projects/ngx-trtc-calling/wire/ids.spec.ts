import { GROUP_ID_MAX_BYTES, USER_ID_MAX_BYTES, USER_ID_PATTERN, isGroupID, isUserID } from './ids';

describe('userID rule', () => {
  it.each([
    ['letters and digits', 'alice42'],
    ['the recommended punctuation', 'user_01-b'],
    ['an e-mail-style ID (the reference accepts it)', 'r12.b@corp'],
    ['a phone-style ID', '+8613800000000'],
    ['a namespaced ID', 'tenant:alice'],
    ['a #', 'team#7'],
    ['one character', 'a'],
    [`${USER_ID_MAX_BYTES} bytes`, 'a'.repeat(USER_ID_MAX_BYTES)],
    ['a @TIM lookalike that is not the reserved prefix', '@TIMx'],
    ["IM's group-ID prefix (not reserved for users)", '@TGS#abc'],
  ])('accepts %s: %s', (_why, id) => {
    expect(isUserID(id)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    [`${USER_ID_MAX_BYTES + 1} bytes`, 'a'.repeat(USER_ID_MAX_BYTES + 1)],
    ['a space', 'al ice'],
    ['a tab', 'al\tice'],
    ['a newline', 'alice\n'],
    ['a control character', 'al\u0000ice'],
    ['non-ASCII', 'zoë'],
    ['a CJK name', '张三'],
    ['| (the separator of the server store entries)', 'a|1'],
    ['a Redis hash tag', '{alice}'],
    ['a comma', 'a,b'],
    ['a quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a slash', 'a/b'],
    ['a percent sign', 'a%20b'],
    ['a glob character', 'a*'],
    ['an IM system account', '@TIM#SYSTEM'],
    ['an IM placeholder account', '@TLS#NOT_FOUND'],
  ])('refuses %s', (_why, id) => {
    expect(isUserID(id)).toBe(false);
  });

  it.each([undefined, null, 42, ['alice'], { userID: 'alice' }])('refuses the non-string %p', (value) => {
    expect(isUserID(value)).toBe(false);
  });

  it('is anchored: no valid ID inside an invalid string passes', () => {
    expect(USER_ID_PATTERN.test('ok\nal ice')).toBe(false);
  });
});

describe('groupID rule', () => {
  it.each([
    ['a custom ID', 'team-standup'],
    ['an IM-assigned ID', '@TGS#2C5SZEAEF'],
    ['an ID with the accepted punctuation', 'org.sales@eu:room+1#2'],
    [`${GROUP_ID_MAX_BYTES} bytes`, 'g'.repeat(GROUP_ID_MAX_BYTES)],
  ])('accepts %s: %s', (_why, id) => {
    expect(isGroupID(id)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    [`${GROUP_ID_MAX_BYTES + 1} bytes`, 'g'.repeat(GROUP_ID_MAX_BYTES + 1)],
    ['a space', 'team standup'],
    ['a control character', 'team\u0007'],
    ['non-ASCII', 'équipe'],
    ['| (the separator of the server store entries)', 'g|1'],
    ['a Redis hash tag', 'g{1}'],
    ['a non-string', 42 as unknown as string],
  ])('refuses %s', (_why, id) => {
    expect(isGroupID(id)).toBe(false);
  });
});
