using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Telemetry;
using FluentValidation;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The first admin: when <c>BAYITPLUS_BOOTSTRAP_ADMIN_EMAIL</c> and
/// <c>BAYITPLUS_BOOTSTRAP_ADMIN_PASSWORD</c> are both set, ensures that account exists, is active
/// and is an admin once the indexes exist. An existing account is promoted and keeps its password;
/// a missing one is created with the configured password. Running again changes nothing. The API
/// is ready only once this is done, so a client that waits for readiness can sign in as that admin;
/// an admin that could not be created keeps it unready.</summary>
public sealed partial class BootstrapAdmin(
    MongoContext db,
    DatabaseReadiness readiness,
    ReadinessGates gates,
    PasswordHasher hasher,
    TimeProvider time,
    IConfiguration configuration,
    ILogger<BootstrapAdmin> logger) : BackgroundService
{
    public const string EmailKey = "BAYITPLUS_BOOTSTRAP_ADMIN_EMAIL";
    public const string PasswordKey = "BAYITPLUS_BOOTSTRAP_ADMIN_PASSWORD";

    private readonly ReadinessGate? _ready = IsConfigured(configuration) ? gates.Open("bootstrap admin") : null;

    /// <summary>Completes when the bootstrap has run, has nothing to do, or has failed.</summary>
    public Task Completion => _ready?.Settled ?? Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_ready is null)
        {
            return;
        }

        using var startupWork = MongoCommandMetrics.StartupWork();
        try
        {
            await readiness.WhenIndexesReady.WaitAsync(stoppingToken);
            if (await EnsureAdminAsync(Emails.Normalize(configuration[EmailKey]!), configuration[PasswordKey]!, stoppingToken))
            {
                _ready.Complete();
            }
            else
            {
                _ready.Fail("the configured account was refused (see the error logged)");
            }
        }
        catch (Exception error) when (error is MongoException or TimeoutException)
        {
            LogFailed(logger, error);
            _ready.Fail("the database was unavailable");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[EmailKey]) && !string.IsNullOrEmpty(configuration[PasswordKey]);

    /// <summary>False when the account did not exist and the password policy refused to create it.</summary>
    private async Task<bool> EnsureAdminAsync(string email, string password, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await PromoteAsync(email, now, ct))
        {
            return true;
        }

        var policy = new BootstrapPolicy().Validate(new Credentials(email, password));
        if (!policy.IsValid)
        {
            LogRefused(logger, email, string.Join(" ", policy.Errors.Select(e => e.ErrorMessage)));
            return false;
        }

        try
        {
            await db.Users().InsertOneAsync(new UserDocument
            {
                Email = email,
                Name = "Administrator",
                PasswordHash = hasher.Hash(password),
                Role = Roles.Admin,
                IsActive = true,
                CreatedAt = now,
                UpdatedAt = now,
            }, cancellationToken: ct);
            LogCreated(logger, email);
        }
        catch (MongoWriteException error) when (error.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Another instance starting at the same time created it first.
            await PromoteAsync(email, now, ct);
        }

        return true;
    }

    /// <summary>Makes an existing account an active admin; false when there is no such account.</summary>
    private async Task<bool> PromoteAsync(string email, DateTime now, CancellationToken ct)
    {
        var existing = await db.Users().Find(u => u.Email == email).FirstOrDefaultAsync(ct);
        if (existing is null)
        {
            return false;
        }

        if (existing is { Role: Roles.Admin, IsActive: true, DeletedAt: null })
        {
            LogAlreadyAdmin(logger, email);
            return true;
        }

        // The operator named this account as the admin, so a pending deletion of it is cancelled.
        await db.Users().UpdateOneAsync(
            u => u.Id == existing.Id,
            Builders<UserDocument>.Update
                .Set(u => u.Role, Roles.Admin)
                .Set(u => u.IsActive, true)
                .Unset(u => u.DeletedAt)
                .Unset(u => u.AnonymizeAfter)
                .Set(u => u.UpdatedAt, now),
            cancellationToken: ct);
        LogPromoted(logger, email, existing.Role, existing.IsActive);
        return true;
    }

    private sealed record Credentials(string Email, string Password);

    /// <summary>The policy registration applies, so the first admin has no weaker password than any user.</summary>
    private sealed class BootstrapPolicy : AbstractValidator<Credentials>
    {
        public BootstrapPolicy()
        {
            RuleFor(c => c.Email).EmailAddress().WithMessage($"{EmailKey} is not a valid email address.");
            RuleFor(c => c.Password).StrongPassword();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin {Email} created")]
    private static partial void LogCreated(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin {Email} promoted to an active admin (was role {PreviousRole}, active {WasActive}); its password is unchanged")]
    private static partial void LogPromoted(ILogger logger, string email, string previousRole, bool wasActive);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin {Email} already exists as an active admin; nothing to do")]
    private static partial void LogAlreadyAdmin(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bootstrap admin {Email} not created: {Reasons}")]
    private static partial void LogRefused(ILogger logger, string email, string reasons);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ensuring the bootstrap admin failed")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
