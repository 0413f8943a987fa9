// Interop: a grpc-js client watching a ballot. Started by WeGoAssembly.Server.Tests (GrpcJsInteropTests) with a
// real server on the sample data: its address in WEGO_GRPC_TARGET, the first administrator (secretariat) in
// WEGO_USER_NAME and WEGO_PASSWORD. Three delegates are accredited and checked in, a secret motion is opened and
// watched with WatchBallot while they vote; the stream shows no counts before the close and ends with the result.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import grpc from '@grpc/grpc-js';
import { credentials, target, loadApi, call, bearer } from './channel.mjs';

const v1 = loadApi('accreditation.proto', 'assembly.proto', 'auth.proto', 'agenda.proto', 'voting.proto');
const accreditation = new v1.AccreditationService(target, credentials);
const assemblies = new v1.AssemblyService(target, credentials);
const auth = new v1.AuthService(target, credentials);
const agenda = new v1.AgendaService(target, credentials);
const voting = new v1.VotingService(target, credentials);


const assemblyId = 'vote-js-2023';
const cities = ['seoul', 'busan', 'daegu'];
const pdf = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'utf8');
let secretariat;
const delegates = {};   // city -> metadata of its signed-in voting delegate

before(async () => {
  const { session } = await call(auth, 'SignIn', { user_name: process.env.WEGO_USER_NAME, password: process.env.WEGO_PASSWORD }, new grpc.Metadata());
  secretariat = bearer(session);
  await call(assemblies, 'CreateAssembly', {
    assembly: { id: assemblyId, title: 'Voting interop', year: 2023, time_zone: 'Asia/Seoul', rules: { quorum: { numerator: 1, denominator: 20 } } },
  }, secretariat);
  for (const city of cities) {
    const registered = await call(accreditation, 'RegisterParticipant', {
      assembly_id: assemblyId, member_city_id: city, given_name: city, family_name: 'Delegate', title: 'Mayor', organisation: city,
      email: `mayor@${city}.example.org`, role: 'PARTICIPANT_ROLE_VOTING_DELEGATE', head_of_delegation: true,
    }, secretariat);
    await call(accreditation, 'SubmitCredentials', { assembly_id: assemblyId, member_city_id: city, content: pdf, file_name: 'letter.pdf' }, secretariat);
    await call(accreditation, 'ReviewAccreditation', { participant_id: registered.participant.id, decision: 'ACCREDITATION_DECISION_APPROVE' }, secretariat);
    const badge = await call(accreditation, 'IssueBadge', { participant_id: registered.participant.id }, secretariat);
    await call(accreditation, 'CheckIn', { badge_code: badge.qr_secret }, secretariat);
    const redeemed = await call(auth, 'RedeemAccessCode', { access_code: registered.access_code }, new grpc.Metadata());
    delegates[city] = bearer(redeemed.session);
  }
});

test('a grpc-js client watches a secret ballot from open to result', async () => {
  const { agenda_item } = await call(agenda, 'CreateAgendaItem', {
    agenda_item: { assembly_id: assemblyId, number: '1', title_en: 'Budget', title_ko: '예산', kind: 'AGENDA_ITEM_KIND_DECISION' },
  }, secretariat);
  const { ballot } = await call(voting, 'CreateBallot', {
    ballot: { agenda_item_id: agenda_item.id, question_en: 'Adopt the budget?', kind: 'BALLOT_KIND_MOTION',
      majority_rule: 'MAJORITY_RULE_SIMPLE_MAJORITY_OF_VOTES_CAST', method: 'BALLOT_METHOD_SECRET' },
  }, secretariat);
  await call(voting, 'OpenBallot', { ballot_id: ballot.id }, secretariat);

  const messages = [];
  const stream = voting.WatchBallot({ ballot_id: ballot.id }, secretariat);
  const ended = new Promise((resolve, reject) => { stream.on('end', resolve); stream.on('error', reject); });
  const firstMessage = new Promise((resolve) => stream.once('data', resolve));
  stream.on('data', (message) => messages.push(message));
  await firstMessage;

  const choices = { seoul: 'MOTION_CHOICE_YES', busan: 'MOTION_CHOICE_YES', daegu: 'MOTION_CHOICE_NO' };
  for (const city of cities) {
    const { receipt } = await call(voting, 'CastVote',
      { ballot_id: ballot.id, member_city_id: city, motion_choice: choices[city], idempotency_key: randomUUID() }, delegates[city]);
    assert.equal(receipt.member_city_id, city);
  }
  const closed = await call(voting, 'CloseBallot', { ballot_id: ballot.id }, secretariat);
  assert.equal(closed.result.outcome, 'BALLOT_OUTCOME_ADOPTED');
  await ended;

  const last = messages.at(-1);
  assert.equal(last.ballot.status, 'BALLOT_STATUS_CLOSED');
  assert.equal(last.tally.votes_cast, 3);
  assert.equal(last.result.votes_cast, 3);
  for (const m of messages.slice(0, -1))
    assert.deepEqual(m.tally.counts, [], 'a secret ballot shows no counts before it closes');
});

test('a quorum watch ends cleanly when the client cancels it', async () => {
  const stream = voting.WatchQuorum({ assembly_id: assemblyId }, secretariat);
  const first = await new Promise((resolve, reject) => { stream.once('data', resolve); stream.once('error', reject); });
  assert.equal(first.quorum.present, 3);
  const status = new Promise((resolve) => stream.on('error', (error) => resolve(error.code)));
  stream.cancel();
  assert.equal(await status, grpc.status.CANCELLED);
  // The server is still serving the assembly.
  const { quorum } = await call(voting, 'GetQuorum', { assembly_id: assemblyId }, secretariat);
  assert.equal(quorum.met, true);
});
