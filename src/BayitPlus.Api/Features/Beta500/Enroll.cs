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

    public sealed class Handler(MongoContext db, IAccountRoles accounts, FraudScreening screening, BetaSeats seats, BetaSettings settings, TimeProvider time, ISecurityEvents events)
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
            var verdict = await screening.ScreenAsync(account, fingerprint, network, now, cancellationToken);
            if (verdict.Score >= settings.BlockScore)
            {
                events.Record(new SecurityEvent(EnrollmentSecurityEvents.EnrollmentBlocked, Severity.Medium, account.UserId, command.IpAddress?.ToString(), new BsonDocument
                {
                    ["fraud_score"] = verdict.Score,
                    ["signals"] = new BsonArray(verdict.Signals),
                    ["fingerprint_hash"] = fingerprint,
                }));
                throw new ForbiddenException("This enrollment was refused by the program's fraud screening.") { Type = EnrollmentProblems.EnrollmentBlocked };
            }

            var member = new BetaUserDocument
            {
                UserId = account.UserId,
                Email = account.Email,
                CreditsBalance = settings.InitialCredits,
                TotalCreditsGranted = settings.InitialCredits,
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
            try
            {
                if (!await seats.TakeInTurnAsync(() => StoreAsync(member, cancellationToken), cancellationToken))
                {
                    throw Membership.Full();
                }
            }
            catch (MongoWriteException error) when (error.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                // The same account enrolling twice at once: the unique user_id lets one through.
                throw AlreadyEnrolled();
            }

            accounts.Forget(account.UserId);
            return BetaMembershipResponse.Of(member);
        }

        /// <summary>The seat, the member, its grant and the role: all or nothing.</summary>
        private async Task StoreAsync(BetaUserDocument member, CancellationToken cancellationToken)
        {
            using var session = await db.Client.StartSessionAsync(cancellationToken: cancellationToken);
            await session.WithTransactionAsync(
                async (transaction, token) =>
                {
                    // The seat first: a full program ends the attempt before anything is written.
                    if (!await seats.TakeAsync(transaction, token))
                    {
                        throw Membership.Full();
                    }

                    member.Id = ObjectId.GenerateNewId().ToString();
                    await Membership.Members(db).InsertOneAsync(transaction, member, cancellationToken: token);
                    if (member.TotalCreditsGranted > 0)
                    {
                        await Membership.Ledger(db).InsertOneAsync(
                            transaction,
                            new BetaCreditTransactionDocument
                            {
                                UserId = member.UserId,
                                TransactionType = BetaTransactionTypes.Grant,
                                Amount = member.TotalCreditsGranted,
                                BalanceAfter = member.CreditsBalance,
                                Reason = GrantReason,
                                CreatedAt = member.EnrolledAt,
                            },
                            cancellationToken: token);
                    }

                    await accounts.ChangeRoleAsync(transaction, member.UserId, Roles.User, Roles.Beta, token);
                    return true;
                },
                cancellationToken: cancellationToken);
        }

        private static ConflictException AlreadyEnrolled() =>
            new("userId", "This account has already enrolled in the Beta 500 program; an account enrolls once.") { Type = EnrollmentProblems.AlreadyEnrolled };
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
