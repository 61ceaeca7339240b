namespace BayitPlus.Api.Infrastructure.Errors;

/// <summary>Domain errors a handler throws; the exception handler turns each into its
/// ProblemDetails status. Messages are shown to clients, so they never hold secrets.</summary>
public abstract class ApiException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    /// <summary>The problem's <c>type</c> URI when the status alone does not say what went wrong
    /// (a full program and an existing membership are both 409s); null for the status's default.</summary>
    public string? Type { get; init; }

    /// <summary>How soon the client may try again (sent as <c>Retry-After</c>), when the failure
    /// is expected to pass; null when retrying would not help or the status's default applies.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

public sealed class NotFoundException(string resource) : ApiException(StatusCodes.Status404NotFound, "Not found", $"{resource} was not found.");

/// <summary>409: names the conflicting field in camelCase, as clients send it.</summary>
public sealed class ConflictException(string field, string detail) : ApiException(StatusCodes.Status409Conflict, "Conflict", detail)
{
    public string Field { get; } = field;
}

public sealed class ForbiddenException(string detail) : ApiException(StatusCodes.Status403Forbidden, "Forbidden", detail);

public sealed class UnauthorizedException(string detail) : ApiException(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

public sealed class TooManyRequestsException : ApiException
{
    public TooManyRequestsException(TimeSpan retryAfter, string detail)
        : base(StatusCodes.Status429TooManyRequests, "Too many requests", detail) => RetryAfter = retryAfter;
}
