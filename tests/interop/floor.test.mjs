// Interop: a grpc-js client on the floor and the hall screen. Started by WeGoAssembly.Server.Tests (GrpcJsInteropTests)
// with a real server: its address in WEGO_GRPC_TARGET, the first administrator (secretariat) in WEGO_USER_NAME and
// WEGO_PASSWORD. A delegate asks for the floor over grpc-js while WatchFloor and a hall screen (WatchDisplay, with
// only a display link's token) follow; the chair gives the floor; the revoked link ends the screen's stream.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import grpc from '@grpc/grpc-js';
import { credentials, target, loadApi, call, bearer } from './channel.mjs';

const v1 = loadApi('accreditation.proto', 'assembly.proto', 'auth.proto', 'agenda.proto', 'floor.proto', 'display.proto');
const accreditation = new v1.AccreditationService(target, credentials);
const assemblies = new v1.AssemblyService(target, credentials);
const auth = new v1.AuthService(target, credentials);
const agenda = new v1.AgendaService(target, credentials);
const floor = new v1.FloorService(target, credentials);
const display = new v1.DisplayService(target, credentials);

// The next message of a stream that shows what is awaited.
const next = (stream, shows) => new Promise((resolve, reject) => {
  const onData = (message) => { if (shows(message)) { stream.off('data', onData); resolve(message); } };
  stream.on('data', onData);
  stream.once('error', reject);
});

const assemblyId = 'floor-js-2023';
const pdf = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'utf8');
let secretariat, delegate, itemId;

before(async () => {
  const { session } = await call(auth, 'SignIn', { user_name: process.env.WEGO_USER_NAME, password: process.env.WEGO_PASSWORD }, new grpc.Metadata());
  secretariat = bearer(session);
  await call(assemblies, 'CreateAssembly', {
    assembly: { id: assemblyId, title: 'Floor interop', year: 2023, time_zone: 'Asia/Seoul', rules: { quorum: { numerator: 1, denominator: 20 } } },
  }, secretariat);
  const registered = await call(accreditation, 'RegisterParticipant', {
    assembly_id: assemblyId, member_city_id: 'seoul', given_name: 'Minjun', family_name: 'Kim', title: 'Mayor', organisation: 'Seoul',
    email: 'mayor@seoul.example.org', role: 'PARTICIPANT_ROLE_VOTING_DELEGATE', head_of_delegation: true,
  }, secretariat);
  await call(accreditation, 'SubmitCredentials', { assembly_id: assemblyId, member_city_id: 'seoul', content: pdf, file_name: 'letter.pdf' }, secretariat);
  await call(accreditation, 'ReviewAccreditation', { participant_id: registered.participant.id, decision: 'ACCREDITATION_DECISION_APPROVE' }, secretariat);
  delegate = bearer((await call(auth, 'RedeemAccessCode', { access_code: registered.access_code }, new grpc.Metadata())).session);
  itemId = (await call(agenda, 'CreateAgendaItem', {
    agenda_item: { assembly_id: assemblyId, number: '1', title_en: 'Smart city charter', title_ko: '스마트 도시 헌장', kind: 'AGENDA_ITEM_KIND_DISCUSSION' },
  }, secretariat)).agenda_item.id;
});

test('a delegate asks for the floor and WatchFloor and the hall screen follow the chair', async () => {
  const watch = floor.WatchFloor({ agenda_item_id: itemId }, delegate);
  const link = await call(display, 'CreateDisplayLink', { assembly_id: assemblyId, label: 'Main hall' }, secretariat);
  assert.equal(link.path, `/display/${link.token}`);
  const screen = display.WatchDisplay({ token: link.token }, new grpc.Metadata());   // no sign-in: the token is enough
  const shown = await next(screen, () => true);
  assert.equal(shown.display.agenda_item.number, '1');

  const asked = await call(floor, 'RequestFloor', { agenda_item_id: itemId, kind: 'SPEECH_KIND_SPEAK' }, delegate);
  assert.equal(asked.request.id, 'r1');
  assert.equal((await next(watch, (m) => m.floor.queue.length === 1)).floor.queue[0].display_name, 'Minjun Kim');
  const twice = await call(floor, 'RequestFloor', { agenda_item_id: itemId, kind: 'SPEECH_KIND_FOR' }, delegate).catch((e) => e);
  assert.equal(twice.code, grpc.status.ALREADY_EXISTS);

  await call(floor, 'GiveFloor', { agenda_item_id: itemId }, secretariat);
  assert.equal((await next(watch, (m) => m.floor.current !== null)).floor.current.request.participant_id, asked.request.participant_id);
  const speaking = await next(screen, (m) => m.display.floor?.current);
  assert.equal(speaking.display.floor.current.request.display_name, 'Minjun Kim');
  assert.equal(speaking.display.floor.current.request.participant_id, '', 'the screen shows names, not ids');
  assert.equal(speaking.display.city_names.seoul, 'Seoul · 서울');

  const ended = new Promise((resolve) => screen.on('error', (error) => resolve(error.code)));
  await call(display, 'RevokeDisplayLink', { assembly_id: assemblyId, display_link_id: link.display_link.id }, secretariat);
  assert.equal(await ended, grpc.status.UNAUTHENTICATED);
  watch.cancel();
});
