using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The body of <c>POST /api/admin/beta/members/{userId}/credits</c>.</summary>
[ValidatedAs(typeof(AdjustCredits.Command))]
public sealed record AdjustCreditsRequest
{
    /// <summary>Credits to add (a grant) or, negative, to take away (a deduct); never 0.</summary>
    public int? Amount { get; init; }

    /// <summary>Why, for the ledger and the audit trail.</summary>
    public string? Reason { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>A member's balance after an adjustment.</summary>
/// <param name="UserId">The member's account id.</param>
/// <param name="TransactionId">The ledger entry the adjustment wrote.</param>
/// <param name="CreditsBalance">The balance after it.</param>
/// <param name="TotalCreditsGranted">Every credit ever granted, after it.</param>
public sealed record AdjustCreditsResponse(string UserId, string TransactionId, int CreditsBalance, int TotalCreditsGranted);

/// <summary>Admin: grants credits to a member or takes them away. A grant raises
/// <c>total_credits_granted</c>; a deduction never takes the balance below zero (409 on
/// <c>amount</c>). The ledger entry, the balance and the audit record commit in one transaction.</summary>
public static class AdjustCredits
{
    public const int MinReasonLength = 10;
    public const int MaxReasonLength = 500;

    public sealed record Command(string AdminId, string UserId, int? Amount, string? Reason, IReadOnlyList<string> UnknownFields) : ICommand<AdjustCreditsResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("beta.credits_adjusted", "beta_member", BetaUserDocument.CollectionName, UserId.ToLowerInvariant(), KeyField: "user_id", Atomic: true);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(BetaSettings settings)
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(AdjustCreditsRequest));
            RuleFor(c => c.Amount).NotNull().WithMessage("Amount is required.")
                .InclusiveBetween(-settings.MaxAdjustment, settings.MaxAdjustment).WithMessage($"Amount must be between -{settings.MaxAdjustment} and {settings.MaxAdjustment}.")
                .NotEqual(0).WithMessage("Amount must not be 0.");
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Reason is required.")
                .Must(r => r!.Trim().Length >= MinReasonLength).WithMessage($"Reason must be at least {MinReasonLength} characters long.")
                .MaximumLength(MaxReasonLength).WithMessage($"Reason must be at most {MaxReasonLength} characters long.");
        }
    }

    public sealed class Handler(CreditLedger ledger) : ICommandHandler<Command, AdjustCreditsResponse>
    {
        public async ValueTask<AdjustCreditsResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var userId = Ids.Parse(command.UserId, "Member").ToString();
            var amount = command.Amount!.Value;
            var raised = new List<SecurityEvent>();
            var entry = new LedgerEntry(userId, amount > 0 ? BetaTransactionTypes.Grant : BetaTransactionTypes.Deduct, Math.Abs(amount), command.Reason!.Trim(), null,
                new BsonDocument { ["admin_id"] = command.AdminId.ToLowerInvariant() }, null);
            var applied = await ledger.ApplyAsync(AuditTransaction.Required, entry, requireActive: false, raised, cancellationToken);
            if (applied.Member is null)
            {
                throw new NotFoundException("Member");
            }

            if (applied.Entry is null)
            {
                throw new ConflictException("amount", amount > 0
                    ? $"The balance is {applied.Member.CreditsBalance}; a grant may not take it or the credits granted past {int.MaxValue}."
                    : $"The balance is {applied.Member.CreditsBalance}; a deduction may not take it below 0.");
            }

            AuditTransaction.AfterCommit(() => ledger.Record(raised));
            return new AdjustCreditsResponse(userId, applied.Entry.Id, applied.Member.CreditsBalance, applied.Member.TotalCreditsGranted);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/members/{userId}/credits", async (string userId, AdjustCreditsRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(http.User.Id(), userId, request.Amount, request.Reason, UnknownFields.In(request.Unknown)), ct)))
        .WithName("AdjustBetaCredits")
        .WithSummary("Admin: grant credits to a Beta 500 member, or take them away")
        .WithDescription("A positive amount is a grant (it also raises the member's total granted); a negative one a deduction, which " +
            "may not take the balance below 0 (409). Written to the member's ledger and the audit trail in one transaction.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
