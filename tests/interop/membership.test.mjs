// Interop: @grpc/grpc-js, the reference gRPC client, calls our own wire layer on Kestrel.
// Started by WeGoAssembly.Server.Tests (GrpcJsInteropTests), which runs a real server with the sample
// data and passes its address in WEGO_GRPC_TARGET and the first administrator's credentials in
// WEGO_USER_NAME and WEGO_PASSWORD: the suite signs in with AuthService and sends the token as metadata.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import grpc from '@grpc/grpc-js';
import { credentials, target, loadApi, call, bearer } from './channel.mjs';

const v1 = loadApi('membership.proto', 'auth.proto');
assert.ok(process.env.WEGO_USER_NAME && process.env.WEGO_PASSWORD, 'WEGO_USER_NAME and WEGO_PASSWORD must name a secretariat account');
const client = new v1.MembershipService(target, credentials);
const auth = new v1.AuthService(target, credentials);

// Metadata carrying the bearer token; set once the suite has signed in.
let signedIn = new grpc.Metadata();

const unary = (method, request, options = {}) => call(client, method, request, signedIn, options);

before(async () => {
  const { session } = await call(auth, 'SignIn', { user_name: process.env.WEGO_USER_NAME, password: process.env.WEGO_PASSWORD }, new grpc.Metadata());
  assert.deepEqual(session.roles, ['USER_ROLE_SECRETARIAT']);
  signedIn = bearer(session);
});

test('a call without a token is UNAUTHENTICATED and says how to sign in', async () => {
  await assert.rejects(
    call(client, 'GetMemberCity', { member_city_id: 'seoul' }, new grpc.Metadata()),
    (error) => {
      assert.equal(error.code, grpc.status.UNAUTHENTICATED);
      assert.match(error.details, /^Sign in first: send 'authorization: Bearer <token>'/);
      return true;
    });
});

test('a unary call returns the stored member city with its Hangul name', async () => {
  const { member_city } = await unary('GetMemberCity', { member_city_id: 'seoul' });
  assert.equal(member_city.id, 'seoul');
  assert.equal(member_city.name_local, '서울');
  assert.equal(member_city.category, 'MEMBER_CATEGORY_FULL');
  assert.equal(member_city.sample, true);
});

test('an error carries its status and a non-ASCII message intact', async () => {
  await assert.rejects(
    unary('UpsertMemberCity', { member_city: { id: 'busan', name_en: 'Busan', country_code: '대한', category: 'MEMBER_CATEGORY_FULL' } }),
    (error) => {
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /country_code "대한" must be an ISO 3166-1 alpha-2 code/);
      return true;
    });
  const { member_city } = await unary('GetMemberCity', { member_city_id: 'busan' });
  assert.equal(member_city.country_code, 'KR', 'the refused change left the stored entry as it was');
});

test('a server stream delivers every member city in id order', async () => {
  const ids = await new Promise((resolve, reject) => {
    const seen = [];
    client.StreamMemberCities({}, signedIn)
      .on('data', (message) => seen.push(message.member_city.id))
      .on('error', reject)
      .on('end', () => resolve(seen));
  });
  assert.ok(ids.length >= 71, `expected the 71 sample cities, got ${ids.length}`);
  assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  assert.ok(ids.includes('ulaanbaatar'));
});

test('a deadline that passes ends the call with DEADLINE_EXCEEDED and the server keeps serving', async () => {
  // A dry-run import of a large file takes far longer than 20 ms to check, and stores nothing.
  const rows = Array.from({ length: 40000 }, (_, i) => `city-${i},City ${i},,KR,Full,2022,Active`);
  const csv = Buffer.from(['id,name_en,name_local,country_code,category,dues_paid_through_year,status', ...rows].join('\n'));
  await assert.rejects(
    unary('ImportMemberCities', { csv, dry_run: true }, { deadline: Date.now() + 20 }),
    (error) => error.code === grpc.status.DEADLINE_EXCEEDED);
  const { member_city } = await unary('GetMemberCity', { member_city_id: 'seoul' });
  assert.equal(member_city.id, 'seoul');
});

test('a page of the register and its next page token', async () => {
  const first = await unary('ListMemberCities', { page_size: 10, category: 'MEMBER_CATEGORY_FULL' });
  assert.equal(first.member_cities.length, 10);
  assert.ok(first.member_cities.every((m) => m.category === 'MEMBER_CATEGORY_FULL'));
  const second = await unary('ListMemberCities', { page_size: 10, category: 'MEMBER_CATEGORY_FULL', page_token: first.next_page_token });
  assert.ok(second.member_cities[0].id > first.member_cities[9].id);
});

test.after(() => { client.close(); auth.close(); });
