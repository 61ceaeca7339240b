using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using FluentValidation;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Users;

public static class RegisterUser
{
    public sealed record Command(string Email, string Name, string Password) : ICommand<UserResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("user.registered", "user", UserDocument.CollectionName, null);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage("Email is required.")
                .MaximumLength(254).WithMessage("Email must be at most 254 characters long.")
                .EmailAddress().WithMessage("Email is not a valid email address.");
            RuleFor(c => c.Name).NotEmpty().WithMessage("Name is required.")
                .MaximumLength(100).WithMessage("Name must be at most 100 characters long.");
            RuleFor(c => c.Password).StrongPassword()
                .Must((command, password) => !string.Equals(password, command.Email?.Trim(), StringComparison.OrdinalIgnoreCase))
                .WithMessage("Password must not be the email address.");
        }
    }

    public sealed class Handler(MongoContext db, PasswordHasher hasher, TimeProvider time, IMapper mapper) : ICommandHandler<Command, UserResponse>
    {
        public async ValueTask<UserResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var user = new UserDocument
            {
                Email = Emails.Normalize(command.Email),
                Name = command.Name.Trim(),
                PasswordHash = hasher.Hash(command.Password),
                Role = Roles.User,
                IsActive = true,
                CreatedAt = now,
                UpdatedAt = now,
            };

            // The unique email index decides races between two registrations of one address: the
            // loser's duplicate key becomes a 409 naming "email".
            await db.Collection<UserDocument>(UserDocument.CollectionName).InsertOneAsync(user, cancellationToken: cancellationToken);
            return mapper.Map<UserResponse>(user);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/register", async (Command command, ISender sender, CancellationToken ct) =>
            TypedResults.Created("/api/users/me", await sender.Send(command, ct)))
        .WithName("RegisterUser")
        .WithSummary("Create an account with email and password")
        .WithDescription("Answers 201 with the new account (role `user`) and `Location: /api/users/me`; it returns no tokens, so sign in " +
            "next with POST /api/auth/login. The email is stored trimmed and lowercased. The password needs at least 8 characters, " +
            "at most 72 bytes, a letter and a digit, and must not be the email. 400 names each invalid field; 409 when the email " +
            "already has an account. Limited to 3 registrations per hour per client IP (429 with Retry-After).")
        .AllowAnonymous()
        .RequireRateLimiting(UsersRateLimits.Register)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
