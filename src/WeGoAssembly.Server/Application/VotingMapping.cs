using Google.Protobuf.WellKnownTypes;
using Domain = WeGoAssembly.Contracts;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>Proto messages ↔ domain records of the agenda and of voting.</summary>
public static class VotingMapping
{
    public static V1.AgendaItem ToProto(this Domain.Voting.AgendaItem i) => new()
    {
        Id = i.Id, AssemblyId = i.AssemblyId, Number = i.Number, TitleEn = i.TitleEn, TitleKo = i.TitleKo,
        DescriptionEn = i.DescriptionEn, DescriptionKo = i.DescriptionKo, Kind = (V1.AgendaItemKind)i.Kind, Order = i.Order,
        Status = (V1.AgendaItemStatus)i.Status, UpdatedAt = Timestamp.FromDateTimeOffset(i.UpdatedAt),
    };

    public static Domain.Voting.AgendaItemDraft ToDraft(this V1.AgendaItem i) => new(
        i.Number, i.TitleEn, i.TitleKo, i.DescriptionEn, i.DescriptionKo, (Domain.Voting.AgendaItemKind)i.Kind,
        i.Status == V1.AgendaItemStatus.Unspecified ? null : (Domain.Voting.AgendaItemStatus)i.Status);

    public static Domain.Voting.Ballot ToDomain(this V1.Ballot b) => new(
        "", "", (b.AgendaItemId ?? "").Trim(), b.QuestionEn, b.QuestionKo, (Domain.Voting.BallotKind)b.Kind, b.Seats,
        b.MajorityRule == V1.MajorityRule.Unspecified ? null : (Domain.Voting.MajorityRule)b.MajorityRule,
        (Domain.Voting.BallotMethod)b.Method,
        b.Candidates.Select(c => new Domain.Voting.Candidate(c.Id, c.NameEn, c.NameKo, c.MemberCityId)).ToArray(),
        b.Deadline?.ToDateTimeOffset(), Domain.Voting.BallotStatus.Draft, null, null, (b.RunoffOfBallotId ?? "").Trim(),
        b.RemindBefore is { } remind ? Duration(remind) : null, (b.AmendmentId ?? "").Trim());

    public static V1.Ballot ToProto(this Domain.Voting.Ballot b)
    {
        var message = new V1.Ballot
        {
            Id = b.Id, AssemblyId = b.AssemblyId, AgendaItemId = b.AgendaItemId, QuestionEn = b.QuestionEn, QuestionKo = b.QuestionKo,
            Kind = (V1.BallotKind)b.Kind, Seats = b.Seats, MajorityRule = b.MajorityRule is { } r ? (V1.MajorityRule)r : V1.MajorityRule.Unspecified,
            Method = (V1.BallotMethod)b.Method, Deadline = Ts(b.Deadline), Status = (V1.BallotStatus)b.Status,
            OpenedAt = Ts(b.OpenedAt), ClosedAt = Ts(b.ClosedAt), RunoffOfBallotId = b.RunoffOfBallotId,
            RemindBefore = b.RemindBefore is { } remind ? Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(remind) : null,
            AmendmentId = b.AmendmentId,
        };
        message.Candidates.AddRange(b.Candidates.Select(c => new V1.Candidate { Id = c.Id, NameEn = c.NameEn, NameKo = c.NameKo, MemberCityId = c.MemberCityId }));
        return message;
    }

    public static V1.VoteReceipt ToProto(this Domain.Voting.VoteReceipt r) => new()
    {
        ReceiptId = r.ReceiptId, BallotId = r.BallotId, MemberCityId = r.MemberCityId, CastAt = Ts(r.CastAt), Replayed = r.Replayed,
    };

    public static V1.ChoiceCount ToProto(this Domain.Voting.ChoiceCount c) => c.Motion is { } m
        ? new V1.ChoiceCount { MotionChoice = (V1.MotionChoice)m, Votes = c.Votes }
        : new V1.ChoiceCount { CandidateId = c.CandidateId ?? "", Votes = c.Votes };

    public static V1.BallotResult ToProto(this Domain.Voting.BallotResult r)
    {
        var message = new V1.BallotResult
        {
            BallotId = r.BallotId, Outcome = (V1.BallotOutcome)r.Outcome, VotesCast = r.VotesCast, BlankBallots = r.BlankBallots,
            MajorityBase = r.MajorityBase, VotesNeeded = r.VotesNeeded, Quorum = r.Quorum.ToProto(),
        };
        message.Counts.AddRange(r.Counts.Select(c => c.ToProto()));
        message.ElectedCandidateIds.AddRange(r.Elected);
        message.RunoffCandidateIds.AddRange(r.Runoff);
        message.TiedCandidateIds.AddRange(r.TiedForChair);
        message.Members.AddRange(r.Members.Select(m =>
        {
            var record = new V1.MemberBallotRecord
            {
                MemberCityId = m.MemberCityId, Entitled = m.Entitled, Present = m.Present, Voted = m.Voted, CastByMemberCityId = m.CastByMemberCityId,
                MotionChoice = m.Motion is { } c ? (V1.MotionChoice)c : V1.MotionChoice.Unspecified,
            };
            record.CandidateIds.AddRange(m.Candidates);
            return record;
        }));
        return message;
    }

    public static V1.BallotTally ToProto(this Domain.Voting.BallotTally t)
    {
        var message = new V1.BallotTally { VotesCast = t.VotesCast, Entitled = t.Entitled, AsOf = Timestamp.FromDateTimeOffset(t.AsOf) };
        message.Counts.AddRange(t.Counts.Select(c => c.ToProto()));
        return message;
    }

    private static Timestamp? Ts(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    // A Duration outside what TimeSpan holds (or with mixed signs) is refused as the field's error, not a crash.
    private static TimeSpan Duration(Google.Protobuf.WellKnownTypes.Duration d)
    {
        try
        {
            return d.ToTimeSpan();
        }
        catch (InvalidOperationException)
        {
            throw Domain.DomainException.Invalid("ballot.remind_before", "ballot.remind_before is not a valid duration; give from 1 second to 7 days.");
        }
    }
}
