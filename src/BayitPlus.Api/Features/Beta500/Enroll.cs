using System.Net;
using System.Security.Claims;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;
using Severity = BayitPlus.Api.Infrastructure.Security.Severity;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>
/// A signed-in user joins the program. Screened first (<see cref="FraudScreening"/>): at or above
/// <c>Beta:BlockScore</c> refused (403, a <c>beta_enrollment_blocked</c> security event with the
/// signals), at or above <c>Beta:ReviewScore</c> accepted and flagged for review. Then one
/// transaction takes a seat (<see cref="BetaSeats"/>), stores the member with
/// <c>Beta:InitialCredits</c>, writes the <c>grant</c> and makes the account <c>beta</c> (an admin
/// keeps <c>admin</c>): all of it or none. An account enrolls once: a former member (withdrawn,
/// expired, deactivated) is 409 already-enrolled too, so leaving and joining again can never mint
/// new credits; an admin may reactivate them.
/// </summary>
public static class Enroll
{
    public const string GrantReason = "enrollment";

    public sealed record Command(FingerprintInput Fingerprint) : ICommand<BetaMembershipResponse>
    {
        [JsonIgnore]
        public string UserId { get; init; } = "";

        [JsonIgnore]
        public IPAddress? IpAddress { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Fingerprint).NotNull().WithMessage("Fingerprint is required.").SetValidator(new FingerprintInputValidator());
    }

    public sealed class Handler(MongoContext db, IAccountRoles accounts, FraudScreening screening, BetaSeats seats, CreditLedger ledger, BetaSettings settings, TimeProvider time, ISecurityEvents events)
        : ICommandHandler<Command, BetaMembershipResponse>
    {
        public async ValueTask<BetaMembershipResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var account = await accounts.FindActiveAsync(command.UserId, cancellationToken)
                ?? throw new UnauthorizedException("This account does not exist or is no longer active.");
            if (await Membership.Members(db).Find(Membership.Of(account.UserId)).AnyAsync(cancellationToken))
            {
                throw AlreadyEnrolled();
            }

            var now = time.GetUtcNow().UtcDateTime;
            var network = Fingerprints.Network(command.IpAddress);
            var fingerprint = Fingerprints.Hash(command.Fingerprint, network);
            BetaUserDocument? member = null;
            try
            {
                if (!await seats.TakeInTurnAsync(async () => member = await StoreAsync(account, fingerprint, network, now, cancellationToken), cancellationToken))
                {
                    throw Membership.Full();
                }
            }
            catch (MongoWriteException error) when (error.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                // The same account enrolling twice at once: the unique user_id lets one through.
                throw AlreadyEnrolled();
            }
            catch (EnrollmentBlockedException blocked)
            {
                events.Record(new SecurityEvent(EnrollmentSecurityEvents.EnrollmentBlocked, Severity.Medium, account.UserId, command.IpAddress?.ToString(), new BsonDocument
                {
                    ["fraud_score"] = blocked.Verdict.Score,
                    ["signals"] = new BsonArray(blocked.Verdict.Signals),
                    ["fingerprint_hash"] = fingerprint,
                }));
                throw new ForbiddenException("This enrollment was refused by the program's fraud screening.") { Type = EnrollmentProblems.EnrollmentBlocked };
            }

            accounts.Forget(account.UserId);
            return BetaMembershipResponse.Of(member!, settings);
        }

        /// <summary>The screening, the seat, the member, its grant and the role: all or nothing.
        /// The screening reads inside the transaction, and every enrollment transaction writes the
        /// seat counter, so of two racing enrollments from one device or network (on any instance)
        /// one conflicts and is retried, and its screening then sees the other member.</summary>
        private async Task<BetaUserDocument> StoreAsync(AccountFacts account, string fingerprint, string? network, DateTime now, CancellationToken cancellationToken)
        {
            using var session = await db.Client.StartSessionAsync(cancellationToken: cancellationToken);
            return await session.WithTransactionAsync(
                async (transaction, token) =>
                {
                    var verdict = await screening.ScreenAsync(transaction, account, fingerprint, network, now, token);
                    if (verdict.Score >= settings.BlockScore)
                    {
                        throw new EnrollmentBlockedException(verdict);
                    }

                    // The seat before anything is written: a full program ends the attempt.
                    if (!await seats.TakeAsync(transaction, token))
                    {
                        throw Membership.Full();
                    }

                    var member = new BetaUserDocument
                    {
                        Id = ObjectId.GenerateNewId().ToString(),
                        UserId = account.UserId,
                        Email = account.Email,
                        FraudScore = verdict.Score,
                        FraudSignals = [.. verdict.Signals],
                        FlaggedForReview = verdict.Score >= settings.ReviewScore,
                        FingerprintHash = fingerprint,
                        Network = network,
                        IsActive = true,
                        EnrolledAt = now,
                        LastCreditUpdate = now,
                        ExpiresAt = now.AddDays(settings.DurationDays),
                    };
                    await Membership.Members(db).InsertOneAsync(transaction, member, cancellationToken: token);
                    if (settings.InitialCredits > 0)
                    {
                        var granted = await ledger.ApplyAsync(
                            transaction, new LedgerEntry(member.UserId, BetaTransactionTypes.Grant, settings.InitialCredits, GrantReason, null, [], null), requireActive: true, raised: [], token);
                        member = granted.Member!;
                    }

                    await accounts.ChangeRoleAsync(transaction, member.UserId, Roles.User, Roles.Beta, token);
                    return member;
                },
                cancellationToken: cancellationToken);
        }

        private static ConflictException AlreadyEnrolled() =>
            new("userId", "This account has already enrolled in the Beta 500 program; an account enrolls once.") { Type = EnrollmentProblems.AlreadyEnrolled };
    }

    /// <summary>The screening refused the enrollment; thrown out of its transaction so nothing is written.</summary>
    private sealed class EnrollmentBlockedException(FraudVerdict verdict) : Exception("The enrollment was refused by the fraud screening.")
    {
        public FraudVerdict Verdict { get; } = verdict;
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/enrollment", async (Command command, ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Created("/api/beta/me", await sender.Send(command with { UserId = user.Id(), IpAddress = http.Connection.RemoteIpAddress }, ct)))
        .RequireAuthorization()
        .WithName("EnrollInBeta")
        .WithSummary("Join the Beta 500 program")
        .WithDescription("Send the device's traits; the server adds the caller's network (/24 or /48) and screens the enrollment for fraud. " +
            "Answers 201 with the membership and `Location: /api/beta/me`: Beta:InitialCredits AI credits, access for Beta:DurationDays days, " +
            "and the account's role becomes `beta` (an admin stays `admin`). 403 (type `" + EnrollmentProblems.EnrollmentBlocked + "`) when the " +
            "screening refuses it; 409 (type `" + EnrollmentProblems.ProgramFull + "`) when every seat is taken; 409 (type `" +
            EnrollmentProblems.AlreadyEnrolled + "`) when the account has enrolled before, even if it has since left.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
