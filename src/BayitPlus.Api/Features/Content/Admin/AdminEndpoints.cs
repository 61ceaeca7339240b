using BayitPlus.Api.Infrastructure.Auth;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>What every admin catalog endpoint shares: the admin policy and its error answers.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).RequireAuthorization(Policies.Admin);

    /// <summary>401 without a token, 403 for a non-admin, 404 for an unknown or malformed id.</summary>
    public static RouteHandlerBuilder ProducesAdminProblems(this RouteHandlerBuilder endpoint, bool byId = true)
    {
        endpoint.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return byId ? endpoint.ProducesProblem(StatusCodes.Status404NotFound) : endpoint;
    }

    /// <summary>A write whose body is a resource's editable <typeparamref name="TFields"/>, every one
    /// of them (create, replace): the admin problems, 400 for invalid fields and 409 for a taken
    /// unique value.</summary>
    public static RouteHandlerBuilder AcceptsFields<TFields>(this RouteHandlerBuilder endpoint, bool byId = true) =>
        endpoint.AddOpenApiOperationTransformer(FieldsBodySchema.WholeAsync<TFields>).ProducesWriteProblems(byId);

    /// <summary>A PATCH whose body is any of <typeparamref name="TFields"/>, documented as the
    /// all-optional schema <paramref name="schemaName"/>; its problems as <see cref="AcceptsFields{TFields}"/>'s.</summary>
    public static RouteHandlerBuilder AcceptsPatchOf<TFields>(this RouteHandlerBuilder endpoint, string schemaName) =>
        endpoint.AddOpenApiOperationTransformer(FieldsBodySchema.Patch<TFields>(schemaName)).ProducesWriteProblems(byId: true);

    private static RouteHandlerBuilder ProducesWriteProblems(this RouteHandlerBuilder endpoint, bool byId) =>
        endpoint.ProducesAdminProblems(byId)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
}
