using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;
using Severity = BayitPlus.Api.Infrastructure.Security.Severity;

namespace BayitPlus.Api.Features.Users;

public static class Refresh
{
    public const string InvalidToken = "The refresh token is not valid; sign in again.";

    /// <summary>Our tokens are 43 characters; anything far longer is not one of them.</summary>
    public const int MaxTokenLength = 200;

    public sealed record Command(string RefreshToken) : ICommand<TokensResponse>
    {
        /// <summary>The caller's address, from the connection (never from the body).</summary>
        [JsonIgnore]
        public string? IpAddress { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.RefreshToken)
            .NotEmpty().WithMessage("Refresh token is required.")
            .MaximumLength(MaxTokenLength).WithMessage($"Refresh token must be at most {MaxTokenLength} characters long.");
    }

    public sealed class Handler(MongoContext db, RefreshTokens tokens, ISecurityEvents events) : ICommandHandler<Command, TokensResponse>
    {
        public async ValueTask<TokensResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            // Reuse of a rotated token has already revoked its family inside RedeemAsync; the
            // caller learns no more than for an unknown token.
            var outcome = await tokens.RedeemAsync(command.RefreshToken, cancellationToken);
            if (outcome is { ReuseDetected: true, Token: var reused })
            {
                events.Record(new SecurityEvent(UserSecurityEvents.RefreshTokenReuse, Severity.High, reused.UserId, command.IpAddress,
                    new BsonDocument("family_id", reused.FamilyId)));
            }

            if (outcome is not { ReuseDetected: false, Token: var redeemed })
            {
                throw new UnauthorizedException(InvalidToken);
            }

            var user = await db.Collection<UserDocument>(UserDocument.CollectionName)
                .Find(u => u.Id == redeemed.UserId).FirstOrDefaultAsync(cancellationToken);
            if (user is not { IsActive: true })
            {
                await tokens.RevokeFamilyAsync(redeemed.FamilyId, cancellationToken);
                throw new UnauthorizedException(InvalidToken);
            }

            return await tokens.ContinueAsync(user, outcome, cancellationToken);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/refresh", async (Command command, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(command with { IpAddress = http.Connection.RemoteIpAddress?.ToString() }, ct)))
        .WithName("RefreshTokens")
        .WithSummary("Exchange a refresh token for a new token pair (the presented token is rotated out)")
        .WithDescription("Returns a new `{ accessToken, refreshToken, expiresAt }` for the same account and device; no access token " +
            "is needed. Refresh tokens rotate: keep the new one and drop the one you sent, which is now used up. Two requests that " +
            "send the same token within 10 seconds of each other (a client racing itself, e.g. two tabs) both succeed with the same new refresh token. " +
            "Any later reuse of a used-up token is treated as theft: the whole session (every token descended from that sign-in) is " +
            "revoked and the client must sign in again.\n\n" +
            "401 for an unknown, expired, revoked or reused token, or an account that is no longer active: sign in again. " +
            "Limited to 10 requests per minute per client IP (429 with Retry-After).")
        .AllowAnonymous()
        .WithNoStore()
        .RequireRateLimiting(UsersRateLimits.Refresh)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
