// Interop: a grpc-js client on the delegation portal and a visa letter. Started by WeGoAssembly.Server.Tests
// (GrpcJsInteropTests) with a real server: its address in WEGO_GRPC_TARGET, the first administrator (secretariat) in
// WEGO_USER_NAME and WEGO_PASSWORD. The secretariat invites a focal point, who signs in with the invitation's code,
// registers a person with a passport and asks a visa letter; the secretariat issues it; an embassy without a sign-in
// verifies it (the number masked), the PDF comes once made, and a revocation is seen by the next verification.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import grpc from '@grpc/grpc-js';
import { credentials, target, loadApi, call, bearer } from './channel.mjs';

const v1 = loadApi('accreditation.proto', 'assembly.proto', 'auth.proto', 'documents.proto');
const accreditation = new v1.AccreditationService(target, credentials);
const assemblies = new v1.AssemblyService(target, credentials);
const auth = new v1.AuthService(target, credentials);
const documents = new v1.DocumentService(target, credentials);


const assemblyId = 'docs-js-2027';
let secretariat, focal, participantId;

before(async () => {
  const { session } = await call(auth, 'SignIn', { user_name: process.env.WEGO_USER_NAME, password: process.env.WEGO_PASSWORD }, new grpc.Metadata());
  secretariat = bearer(session);
  await call(assemblies, 'CreateAssembly', {
    assembly: { id: assemblyId, title: 'Documents interop', venue: 'Seoul City Hall', year: 2027, time_zone: 'Asia/Seoul', starts_on: '2027-09-07', ends_on: '2027-09-09' },
  }, secretariat);
});

test('a focal point invited by the secretariat registers a person and asks a visa letter', async () => {
  const invited = await call(accreditation, 'InviteFocalPoint', {
    assembly_id: assemblyId, member_city_id: 'seoul', focal_point: { name: 'Lee Su-jin', email: 'focal@seoul.example.org', language: 'ko' },
  }, secretariat);
  assert.match(invited.sign_in_url, /\/signin\?code=/);
  const { session } = await call(auth, 'RedeemAccessCode', { access_code: invited.access_code }, new grpc.Metadata());
  assert.deepEqual(session.roles, ['USER_ROLE_FOCAL_POINT']);
  focal = bearer(session);

  const registered = await call(accreditation, 'RegisterParticipant', {
    assembly_id: assemblyId, member_city_id: 'seoul', given_name: '민지', family_name: '김', email: 'minji@seoul.example.org',
    role: 'PARTICIPANT_ROLE_VOTING_DELEGATE', language: 'ko',
  }, focal);
  participantId = registered.participant.id;
  const bad = await call(documents, 'UpdatePersonalDetails', {
    participant_id: participantId, details: { given_name_latin: 'Min-ji', passport: { number: 'M1', nationality: 'KOR', date_of_birth: '1985-03-02', expires_on: '2031-01-01' } },
  }, focal).catch((e) => e);
  assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
  assert.match(bad.details, /passport\.number/);
  await call(documents, 'UpdatePersonalDetails', {
    participant_id: participantId,
    details: { given_name_latin: 'Min-ji', family_name_latin: 'Kim', passport: { number: 'M70123456', nationality: 'KOR', date_of_birth: '1985-03-02', expires_on: '2031-01-01' } },
  }, focal);
  const asked = await call(documents, 'RequestVisaLetter', { participant_id: participantId }, focal);
  assert.equal(asked.visa_letter.status, 'VISA_LETTER_STATUS_REQUESTED');
  const denied = await call(documents, 'DecideVisaLetter', { participant_id: participantId, issue: true }, focal).catch((e) => e);
  assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
});

test('the secretariat issues the letter, an embassy verifies it, the PDF comes, and a revocation shows', async () => {
  const issued = await call(documents, 'DecideVisaLetter', { participant_id: participantId, issue: true }, secretariat);
  assert.equal(issued.visa_letter.status, 'VISA_LETTER_STATUS_ISSUED');
  const code = decodeURIComponent(issued.verification_url.slice(issued.verification_url.lastIndexOf('/') + 1));

  const verified = await call(documents, 'VerifyVisaLetter', { code }, new grpc.Metadata());   // no sign-in
  assert.equal(verified.valid, true);
  assert.equal(verified.name_latin, 'Min-ji KIM');
  assert.equal(verified.passport_number_masked, '•••••3456');
  assert.equal(JSON.stringify(verified).includes('M70123456'), false);

  let document;
  for (let tries = 0; !document; tries++) {
    try {
      document = await call(documents, 'GetDocument', { participant_id: participantId, kind: 'DOCUMENT_KIND_VISA_LETTER' }, focal);
    } catch (e) {
      assert.equal(e.code, grpc.status.UNAVAILABLE, e.details);   // being made: ask again
      assert.ok(tries < 240, 'the letter was not made within a minute');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  assert.equal(document.pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(document.file_name, /visa-letter/);

  await call(documents, 'RevokeVisaLetter', { participant_id: participantId, reason: 'Withdrawn.' }, secretariat);
  const revoked = await call(documents, 'VerifyVisaLetter', { code }, new grpc.Metadata());
  assert.equal(revoked.valid, false);
  assert.ok(revoked.revoked_at);
  const unknown = await call(documents, 'VerifyVisaLetter', { code: `${participantId}.not-the-code` }, new grpc.Metadata()).catch((e) => e);
  assert.equal(unknown.code, grpc.status.NOT_FOUND);
});
