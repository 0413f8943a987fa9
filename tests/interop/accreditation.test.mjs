// Interop: the accreditation workflow through @grpc/grpc-js, the reference gRPC client. Started by
// WeGoAssembly.Server.Tests (GrpcJsInteropTests) with a real server on the sample data: its address in
// WEGO_GRPC_TARGET, the first administrator (secretariat) in WEGO_USER_NAME and WEGO_PASSWORD.
// The steps build on each other and run in order: register -> letter -> approve -> badge -> door -> proxy -> export.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import grpc from '@grpc/grpc-js';
import { credentials, target, loadApi, call, bearer } from './channel.mjs';

const v1 = loadApi('accreditation.proto', 'assembly.proto', 'auth.proto');
assert.ok(process.env.WEGO_USER_NAME && process.env.WEGO_PASSWORD, 'WEGO_USER_NAME and WEGO_PASSWORD must name a secretariat account');
const accreditation = new v1.AccreditationService(target, credentials);
const assemblies = new v1.AssemblyService(target, credentials);
const auth = new v1.AuthService(target, credentials);

const rejectsWith = (promise, code, pattern) => assert.rejects(promise, (error) => {
  assert.equal(error.code, code, `${error.code} ${error.details}`);
  assert.match(error.details, pattern);
  return true;
});

const assemblyId = 'ega-js-2023';
const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Title (신임장) >> endobj\n%%EOF\n', 'utf8');
let secretariat;   // metadata of the first administrator
let delegate;      // the registered head of Seoul's delegation: { participant, access_code }
let participant;   // metadata of that participant, signed in with the access code
let badge;         // IssueBadge response: badge_number and qr_secret

before(async () => {
  const { session } = await call(auth, 'SignIn', { user_name: process.env.WEGO_USER_NAME, password: process.env.WEGO_PASSWORD }, new grpc.Metadata());
  secretariat = bearer(session);
  await call(assemblies, 'CreateAssembly', {
    assembly: {
      id: assemblyId, title: 'WeGO Extraordinary General Assembly', year: 2023, time_zone: 'Asia/Seoul',
      rules: { quorum: { numerator: 1, denominator: 2, strictly_more: true }, proxies_allowed: true, max_proxies_per_holder: 1, proxies_count_for_quorum: true },
    },
  }, secretariat);
});

test('the secretariat registers a delegate, who signs in with the access code and files the letter', async () => {
  delegate = await call(accreditation, 'RegisterParticipant', {
    assembly_id: assemblyId, member_city_id: 'seoul', given_name: '세훈', family_name: '오', title: '시장 Mayor',
    organisation: '서울특별시 Seoul Metropolitan Government', email: 'mayor@seoul.go.kr', role: 'PARTICIPANT_ROLE_VOTING_DELEGATE', head_of_delegation: true,
  }, secretariat);
  assert.equal(delegate.participant.accreditation_status, 'ACCREDITATION_STATUS_SUBMITTED');
  assert.equal(delegate.participant.given_name, '세훈');
  assert.ok(delegate.access_code.length >= 26);

  const { session } = await call(auth, 'RedeemAccessCode', { access_code: delegate.access_code }, new grpc.Metadata());
  assert.equal(session.participant_id, delegate.participant.id);
  participant = bearer(session);

  const { credentials_letter } = await call(accreditation, 'SubmitCredentials',
    { assembly_id: assemblyId, member_city_id: 'seoul', content: pdf, file_name: '신임장.pdf' }, participant);
  assert.equal(credentials_letter.content_type, 'application/pdf');
  assert.equal(credentials_letter.size_bytes, pdf.length);
  assert.equal(credentials_letter.sha256, createHash('sha256').update(pdf).digest('hex'));
});

test('a participant cannot touch another delegation, and a text file is not a letter', async () => {
  await rejectsWith(call(accreditation, 'GetDelegation', { assembly_id: assemblyId, member_city_id: 'busan' }, participant),
    grpc.status.PERMISSION_DENIED, /needs the Secretariat role or a participant of the delegation of "busan"/);
  await rejectsWith(call(accreditation, 'ReviewAccreditation', { participant_id: delegate.participant.id, decision: 'ACCREDITATION_DECISION_APPROVE' }, participant),
    grpc.status.PERMISSION_DENIED, /needs the Secretariat role/);
  await rejectsWith(call(accreditation, 'SubmitCredentials',
    { assembly_id: assemblyId, member_city_id: 'seoul', content: Buffer.from('Dear Secretariat, our delegation is...'), file_name: '신임장.txt' }, participant),
  grpc.status.INVALID_ARGUMENT, /not a PDF, PNG or JPEG/);
  const { delegation } = await call(accreditation, 'GetDelegation', { assembly_id: assemblyId, member_city_id: 'seoul' }, participant);
  assert.equal(delegation.credentials_letter.file_name, '신임장.pdf', 'the refused letter left the one on file');
});

test('the secretariat approves and badges; the door scan is idempotent', async () => {
  const { participant: approved } = await call(accreditation, 'ReviewAccreditation',
    { participant_id: delegate.participant.id, decision: 'ACCREDITATION_DECISION_APPROVE' }, secretariat);
  assert.equal(approved.accreditation_status, 'ACCREDITATION_STATUS_APPROVED');
  badge = await call(accreditation, 'IssueBadge', { participant_id: delegate.participant.id }, secretariat);
  assert.match(badge.badge_number, /^GA23-\d{4}$/);
  assert.ok(badge.qr_secret.length >= 27);

  const first = await call(accreditation, 'CheckIn', { badge_code: badge.qr_secret }, secretariat);
  const second = await call(accreditation, 'CheckIn', { badge_code: badge.qr_secret }, secretariat);
  assert.equal(first.changed, true);
  assert.equal(second.changed, false);
  assert.equal(second.participant.presence, 'PRESENCE_STATUS_CHECKED_IN');
  await rejectsWith(call(accreditation, 'CheckIn', { badge_code: 'WGB1-this-is-no-badge-of-ours' }, secretariat), grpc.status.NOT_FOUND, /Unknown badge/);

  const out = await call(accreditation, 'CheckOut', { badge_code: badge.qr_secret }, secretariat);
  assert.equal(out.participant.presence, 'PRESENCE_STATUS_CHECKED_OUT');
});

test('a proxy is recorded and revoked, and a chain is refused', async () => {
  const { proxy } = await call(accreditation, 'RecordProxy',
    { assembly_id: assemblyId, grantor_member_city_id: 'lima', holder_member_city_id: 'seoul', reference: 'Carta 2023-09-05' }, secretariat);
  assert.equal(proxy.holder_member_city_id, 'seoul');
  await rejectsWith(call(accreditation, 'RecordProxy', { assembly_id: assemblyId, grantor_member_city_id: 'seoul', holder_member_city_id: 'busan' }, secretariat),
    grpc.status.FAILED_PRECONDITION, /no chains of proxies/);
  const { delegation } = await call(accreditation, 'GetDelegation', { assembly_id: assemblyId, member_city_id: 'seoul' }, participant);
  assert.deepEqual(delegation.proxies_held.map((p) => p.id), [proxy.id]);

  const { proxy: revoked } = await call(accreditation, 'RevokeProxy', { proxy_id: proxy.id, reason: 'withdrawn' }, secretariat);
  assert.ok(revoked.revoked_at);
});

test('the exports are UTF-8 CSV with the names as written', async () => {
  const { csv } = await call(accreditation, 'ExportDelegations', { assembly_id: assemblyId }, secretariat);
  const lines = new TextDecoder('utf-8', { fatal: true }).decode(csv).split('\r\n');
  assert.match(lines[0], /^member_city_id,member_city_name,participant_id,given_name,family_name,role,/);
  assert.match(lines[1], new RegExp(`^seoul,Seoul,${delegate.participant.id.replaceAll('.', '\\.')},세훈,오,voting_delegate,true,시장 Mayor,`));

  const history = await call(accreditation, 'ExportAttendance', { assembly_id: assemblyId, view: 'ATTENDANCE_VIEW_HISTORY' }, secretariat);
  const events = history.csv.toString('utf8').split('\r\n').filter((l) => l.length > 0).slice(1).map((l) => l.split(',')[2]);
  assert.deepEqual(events, ['checked_in', 'checked_out']);
});

test.after(() => { accreditation.close(); assemblies.close(); auth.close(); });
