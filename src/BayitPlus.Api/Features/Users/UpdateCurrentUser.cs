using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using MapsterMapper;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The body of <c>PATCH /api/users/me</c>: each field optional; absent or null leaves it as it is.</summary>
[ValidatedAs(typeof(UpdateCurrentUser.Command))]
public sealed record UpdateCurrentUserRequest
{
    public string? Name { get; init; }

    public JsonObject? Preferences { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>Changes the signed-in user's name and preferences, and nothing else: every other field
/// in the body (role, isActive, email, ...) is refused with a 400 naming it.</summary>
public static class UpdateCurrentUser
{
    public sealed record Command(string UserId, string? Name, JsonObject? Preferences, IReadOnlyList<string> UnknownFields) : ICommand<UserResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("user.updated", "user", UserDocument.CollectionName, UserId);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(UpdateCurrentUserRequest));
            RuleFor(c => c.Name!).Must(name => name.Trim().Length > 0).WithMessage("Name must not be empty.")
                .MaximumLength(100).WithMessage("Name must be at most 100 characters long.")
                .When(c => c.Name is not null);
            RuleFor(c => c.Preferences).Storable();
        }
    }

    public sealed class Handler(MongoContext db, AccountStatusLookup accounts, TimeProvider time, IMapper mapper) : ICommandHandler<Command, UserResponse>
    {
        public async ValueTask<UserResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            if (command.Name is null && command.Preferences is null)
            {
                return mapper.Map<UserResponse>(await db.GetActiveAsync(command.UserId, cancellationToken));
            }

            var update = Builders<UserDocument>.Update.Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime);
            if (command.Name is not null)
            {
                update = update.Set(u => u.Name, command.Name.Trim());
            }

            if (command.Preferences is not null)
            {
                update = update.Set(u => u.Preferences, JsonBson.ToBson(command.Preferences));
            }

            var updated = await db.Users().FindOneAndUpdateAsync(
                Accounts.ActiveFilter(command.UserId),
                update,
                new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
                cancellationToken) ?? throw Accounts.Inactive();

            // The name is part of the account's cached state (the chat shows it), so a rename shows at once.
            accounts.Forget(updated.Id);
            return mapper.Map<UserResponse>(updated);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPatch("/me", async (UpdateCurrentUserRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(user.Id(), request.Name, request.Preferences, UnknownFields.In(request.Unknown)), ct)))
        .WithName("UpdateCurrentUser")
        .WithSummary("Change the signed-in user's name or preferences (no other field)")
        .WithDescription("Send only what changes; an absent or null field is left as it is. `preferences` is the client's own " +
            "free-form object and is replaced as a whole (read it, change a key, send it back); its keys come back exactly as sent. " +
            "Any other field (role, email, isActive, ...) is a 400 naming it. Returns the updated account.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
