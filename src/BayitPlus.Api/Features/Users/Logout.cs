using FluentValidation;
using Mediator;

namespace BayitPlus.Api.Features.Users;

public static class Logout
{
    public sealed record Command(string RefreshToken) : ICommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.RefreshToken)
            .NotEmpty().WithMessage("Refresh token is required.")
            .MaximumLength(Refresh.MaxTokenLength).WithMessage($"Refresh token must be at most {Refresh.MaxTokenLength} characters long.");
    }

    public sealed class Handler(RefreshTokens tokens) : ICommandHandler<Command>
    {
        /// <summary>An unknown, expired or already revoked token answers 204 as well: logging out
        /// is idempotent (a client retrying after a lost response sees success), and the answer
        /// reveals nothing about which tokens exist.</summary>
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await tokens.RevokeAsync(command.RefreshToken, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/logout", async (Command command, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(command, ct);
            return TypedResults.NoContent();
        })
        .WithName("Logout")
        .WithSummary("End the session of a refresh token (its whole family is revoked); needs no access token")
        .WithDescription("Send the refresh token of the session to end; that sign-in's refresh tokens are revoked, other devices stay " +
            "signed in (DELETE /api/users/me/devices/{deviceId} signs out a whole device). Always 204, also for an unknown or " +
            "already revoked token, so a retry after a lost response succeeds. An access token already issued keeps working until " +
            "its `expiresAt` (minutes): discard it on the client.")
        .AllowAnonymous()
        .ProducesValidationProblem();
}
