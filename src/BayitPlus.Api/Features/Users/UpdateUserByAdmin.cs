using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using MapsterMapper;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;
using Severity = BayitPlus.Api.Infrastructure.Security.Severity;

namespace BayitPlus.Api.Features.Users;

/// <summary>The body of <c>PATCH /api/admin/users/{id}</c>: each field optional.</summary>
[ValidatedAs(typeof(UpdateUserByAdmin.Command))]
public sealed record UpdateUserByAdminRequest
{
    public string? Role { get; init; }

    public bool? IsActive { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>Admin: changes an account's role or active flag. An admin cannot demote or deactivate
/// themselves (409 naming the field): the request is valid in form but would leave the system
/// without the admin who is making it, so the last admin can never lock everyone out. An account
/// its owner deleted cannot be reactivated (409 on <c>isActive</c>): the deletion was their
/// decision and anonymization is under way.</summary>
public static class UpdateUserByAdmin
{
    public sealed record Command(string AdminId, string UserId, string? Role, bool? IsActive, IReadOnlyList<string> UnknownFields) : ICommand<UserResponse>, IAuditedCommand
    {
        /// <summary>The admin's address, from the connection.</summary>
        public string? IpAddress { get; init; }

        AuditTarget IAuditedCommand.Audit => new(
            (Role, IsActive) switch
            {
                (not null, null) => "user.role_changed",
                (null, not null) => "user.status_changed",
                _ => "user.updated_by_admin",
            },
            "user",
            UserDocument.CollectionName,
            UserId.ToLowerInvariant(),
            Atomic: true);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(UpdateUserByAdminRequest));
            RuleFor(c => c.Role).OneOf(Roles.All).WithMessage($"Role must be one of: {string.Join(", ", Roles.All)}.");
        }
    }

    public sealed class Handler(MongoContext db, RefreshTokens refreshTokens, AccountStatusLookup accounts, TimeProvider time, IMapper mapper, ISecurityEvents events) : ICommandHandler<Command, UserResponse>
    {
        public async ValueTask<UserResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            // Compared in canonical form: the API accepts upper-case hex, which must not slip past the self check.
            var targetId = Ids.Parse(command.UserId, "User").ToString();
            var adminId = command.AdminId.ToLowerInvariant();
            if (targetId == adminId && command.Role is not null && command.Role != Roles.Admin)
            {
                throw new ConflictException("role", "Admins cannot remove their own admin role.");
            }

            if (targetId == adminId && command.IsActive == false)
            {
                throw new ConflictException("isActive", "Admins cannot deactivate their own account.");
            }

            // Role and status changes commit together with their audit record (issue 5).
            var session = AuditTransaction.Required;
            var target = await db.Users().Find(session, u => u.Id == targetId).FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("User");
            if (command.IsActive == true && target.DeletedAt is not null)
            {
                throw new ConflictException("isActive", "This account was deleted by its owner and cannot be reactivated.");
            }

            var update = Builders<UserDocument>.Update.Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime);
            if (command.Role is not null)
            {
                update = update.Set(u => u.Role, command.Role);
            }

            if (command.IsActive is bool active)
            {
                update = update.Set(u => u.IsActive, active);
            }

            var updated = await db.Users().FindOneAndUpdateAsync(
                session,
                Builders<UserDocument>.Filter.Eq(u => u.Id, target.Id),
                update,
                new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
                cancellationToken) ?? throw new NotFoundException("User");
            if (command.IsActive == false)
            {
                await refreshTokens.RevokeAllAsync(session, updated.Id, cancellationToken);
            }

            AuditTransaction.AfterCommit(() => accounts.Forget(updated.Id));
            if (command.Role is not null && command.Role != target.Role)
            {
                // Only a committed change is an event: the transaction may still abort or retry.
                AuditTransaction.AfterCommit(() => events.Record(new SecurityEvent(UserSecurityEvents.RoleChanged, Severity.High, updated.Id, command.IpAddress,
                    new BsonDocument { ["from"] = target.Role, ["to"] = command.Role, ["changed_by"] = adminId })));
            }

            return mapper.Map<UserResponse>(updated);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPatch("/{id}", async (string id, UpdateUserByAdminRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(
                new Command(http.User.Id(), id, request.Role, request.IsActive, UnknownFields.In(request.Unknown)) { IpAddress = http.Connection.RemoteIpAddress?.ToString() }, ct)))
        .WithName("UpdateUserByAdmin")
        .WithSummary("Admin: change an account's role or active flag")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
