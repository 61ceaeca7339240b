using System.Text.Json;
using System.Text.RegularExpressions;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure.Errors;

/// <summary>Turns every exception into RFC 9457 ProblemDetails (with <c>traceId</c>): validation →
/// 400 with field errors, malformed or oversized bodies → 400/413/415, domain errors → their
/// status, a duplicate key → 409 naming the field, a saturated, unreachable or recovering database
/// → 503 with Retry-After, anything else → 500 with no internals.</summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException validation => ValidationProblem(validation),
            ApiException api => Problem(api),
            MongoWriteException { WriteError.Category: ServerErrorCategory.DuplicateKey } duplicate => Duplicate(duplicate.WriteError.Message),
            MongoCommandException { Code: 11000 } duplicate => Duplicate(duplicate.ErrorMessage),
            BadHttpRequestException badRequest => BadRequest(badRequest, httpContext),
            MongoWaitQueueFullException => Unavailable(),
            _ when IsDatabaseUnavailable(exception) => DatabaseUnavailable(),
            JsonException json => MalformedBody(json),
            InvalidOperationException when HasUnknownCharset(httpContext.Request) => UnsupportedMediaType(),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };

        if (problem is null)
        {
            if (!httpContext.RequestAborted.IsCancellationRequested)
            {
                LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            }

            problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Unexpected error", Detail = "The server could not complete the request." };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        var retryAfter = exception switch
        {
            ApiException { RetryAfter: { } asked } => asked,
            MongoWaitQueueFullException => OverloadRetryAfter,
            _ when problem.Status == StatusCodes.Status503ServiceUnavailable => OutageRetryAfter,
            _ => (TimeSpan?)null,
        };
        if (retryAfter is { } wait)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>How soon a client may retry when the database connection pool is saturated.</summary>
    private static readonly TimeSpan OverloadRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How soon a client may retry when the database is unreachable: long enough not to
    /// hammer a database that is coming back, about one server selection timeout.</summary>
    private static readonly TimeSpan OutageRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The database is out of connections: the request was fine, the service is
    /// momentarily overloaded (a burst beyond the driver's pool and wait queue).</summary>
    private static Microsoft.AspNetCore.Mvc.ProblemDetails Unavailable() =>
        new() { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = "The service is busy; retry shortly." };

    /// <summary>The database could not be reached, the connection dropped mid-request, no primary
    /// is available (an election), or an index it needs is being recreated after a restart
    /// (IndexNotFound, 27): the request was fine and will work once the database is back. Errors
    /// that retrying cannot fix (authentication, serialization, a malformed command) stay 500.</summary>
    private static bool IsDatabaseUnavailable(Exception exception) => exception is
        MongoConnectionPoolPausedException
        or TimeoutException
        or MongoExecutionTimeoutException
        or MongoNotPrimaryException
        or MongoNodeIsRecoveringException
        or MongoCommandException { Code: IndexNotFound }
        or MongoConnectionException and not MongoAuthenticationException;

    private const int IndexNotFound = 27;

    private static Microsoft.AspNetCore.Mvc.ProblemDetails DatabaseUnavailable() =>
        new() { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = "The database is unavailable; retry shortly." };

    private static HttpValidationProblemDetails ValidationProblem(ValidationException validation)
    {
        var errors = validation.Errors
            .GroupBy(e => JsonFieldName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "One or more validation errors occurred." };
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails Problem(ApiException api)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = api.Status, Title = api.Title, Detail = api.Message, Type = api.Type };
        if (api is ConflictException conflict)
        {
            problem.Extensions["field"] = conflict.Field;
        }

        return problem;
    }

    /// <summary>A C# property path (<c>Device.DeviceName</c>) in the request's JSON casing (<c>device.deviceName</c>).</summary>
    public static string JsonFieldName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    /// <summary>The index in E11000's message (e.g. <c>email_1</c>) names the field.</summary>
    private static Microsoft.AspNetCore.Mvc.ProblemDetails Duplicate(string message)
    {
        var field = DuplicateIndex().Match(message) is { Success: true } match
            ? JsonNamingPolicy.CamelCase.ConvertName(string.Concat(match.Groups["field"].Value.Split('_').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..])))
            : "id";
        return Problem(new ConflictException(field, $"A resource with this {field} already exists."));
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails BadRequest(BadHttpRequestException badRequest, HttpContext httpContext) => badRequest.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 413, Title = "Payload too large", Detail = "The request body is larger than this API accepts." },
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType(),
        _ when badRequest.InnerException is JsonException json => MalformedBody(json),
        _ when ParameterFailure().Match(badRequest.Message) is { Success: true } failure => UnboundParameter(failure, httpContext),
        _ => new HttpValidationProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "The request is malformed." },
    };

    private static Microsoft.AspNetCore.Mvc.ProblemDetails UnsupportedMediaType() =>
        new() { Status = StatusCodes.Status415UnsupportedMediaType, Title = "Unsupported media type", Detail = "Send the request body as application/json (UTF-8)." };

    /// <summary>A JSON content type whose charset names no encoding (<c>charset=bogus</c>): the
    /// framework's body reader fails with an <see cref="InvalidOperationException"/> rather than a
    /// bad request, so the request's own header is what tells this apart from a server fault.</summary>
    private static bool HasUnknownCharset(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.Charset.Length == 0)
        {
            return false;
        }

        try
        {
            System.Text.Encoding.GetEncoding(contentType.Charset.ToString().Trim('"'));
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>A body that is not JSON, or not the JSON this endpoint reads: 400 naming where it
    /// goes wrong (the property, or <c>body</c> for the whole), without the serializer's own message,
    /// which names internal types.</summary>
    private static HttpValidationProblemDetails MalformedBody(JsonException json)
    {
        var at = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        var (field, message) = json switch
        {
            DuplicateJsonPropertyException duplicate => (at is null ? duplicate.Property : $"{at}.{duplicate.Property}", "must appear only once in the body."),
            _ when json.Message.StartsWith("Duplicate property", StringComparison.Ordinal) => (at ?? "body", "must appear only once in the body."),
            _ => (at ?? "body", "is not valid JSON of the type this endpoint reads (a wrong type, a value out of range, or malformed JSON)."),
        };
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [$"{field} {message}"] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Malformed JSON",
            Detail = "The request body is not valid JSON for this endpoint.",
        };
    }

    /// <summary>A route, query or header value the framework could not bind (<c>isActive=maybe</c>,
    /// <c>yearFrom=abc</c>), or a required one that is missing: 400 naming the parameter as the client
    /// writes it, like the validators' errors. The framework only says so in its message
    /// (<c>Failed to bind parameter "bool? isActive" from "maybe".</c>).</summary>
    private static HttpValidationProblemDetails UnboundParameter(Match failure, HttpContext httpContext)
    {
        var name = failure.Groups["name"].Value;
        var source = failure.Groups["source"].Value;
        var field = source == "body" ? "body" : ClientName(name, httpContext);
        var message = failure.Groups["missing"].Success
            ? $"{field} is required."
            : $"{field} must be {Expected(failure.Groups["type"].Value)}.";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };
    }

    /// <summary>The name a parameter has in the request: its <c>[FromQuery(Name = ...)]</c>-style
    /// name when the handler declares one, else the parameter's own name.</summary>
    private static string ClientName(string parameter, HttpContext httpContext)
    {
        var declared = httpContext.GetEndpoint()?.Metadata.GetMetadata<System.Reflection.MethodInfo>()?.GetParameters()
            .FirstOrDefault(p => p.Name == parameter)?
            .GetCustomAttributes(inherit: false).OfType<Microsoft.AspNetCore.Http.Metadata.IFromQueryMetadata>().FirstOrDefault()?.Name;
        return declared ?? JsonNamingPolicy.CamelCase.ConvertName(parameter);
    }

    private static string Expected(string type) => type.TrimEnd('?') switch
    {
        "bool" => "true or false",
        "int" or "long" or "short" or "byte" or "uint" or "ulong" => "a whole number",
        "double" or "float" or "decimal" => "a number",
        "DateTime" or "DateTimeOffset" or "DateOnly" => "an ISO 8601 date",
        "Guid" => "a GUID",
        var other => $"a valid {other}",
    };

    [GeneratedRegex("""^(?:Failed to bind|(?<missing>Required)) parameter "(?<type>[^"]+) (?<name>[A-Za-z0-9_]+)"(?: was not provided from (?<source>[a-z ]+))?""")]
    private static partial Regex ParameterFailure();

    [GeneratedRegex(@"index: (?<field>[A-Za-z0-9_.]+?)(_-?1)+ dup key")]
    private static partial Regex DuplicateIndex();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
