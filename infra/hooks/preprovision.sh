#!/bin/sh
# azd preprovision hook (POSIX sh): refuses, before anything is deployed, the azd environment values the function
# app would refuse when it starts, and the values azd could not hand to Bicep intact. preprovision.ps1 is the same
# check for Windows; TokenFunction.Tests/Infra/PreprovisionHookTests.cs runs both with the same crafted environments.
# Messages name settings and positions, never a value: the output lands in CI logs.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
refuse() { printf 'preprovision: %s\n' "$1" >&2; failed=1; }

# Location: one of the Flex Consumption regions infra/main.bicep allows (its first @allowed list).
if [ -n "${AZURE_LOCATION:-}" ]; then
  regions=$(awk '/^@allowed\(\[/ { n++; next } n == 1 && /^\]\)/ { exit } n == 1 { gsub(/[ \047]/, ""); print }' "$root/infra/main.bicep")
  if ! printf '%s\n' "$regions" | grep -qx -- "$AZURE_LOCATION"; then
    refuse "AZURE_LOCATION does not offer Azure Functions Flex Consumption; pick one of: $(printf '%s' "$regions" | tr '\n' ' ')— az functionapp list-flexconsumption-locations lists today's regions"
  fi
fi

# LIVEKIT_URL: the worker accepts ws://, wss://, http:// and https:// URLs only. Empty: azd prompts for it.
case "${LIVEKIT_URL:-}" in
  '' ) ;;
  ws://?* | wss://?* | http://?* | https://?* ) ;;
  * ) refuse "LIVEKIT_URL must be a ws://, wss://, http:// or https:// URL, e.g. wss://<project>.livekit.cloud" ;;
esac

extra=${EXTRA_APP_SETTINGS:-}

# Bearer mode needs an issuer (https, unless the extra settings turn RequireHttpsMetadata off) and an audience.
case "${AUTH_MODE:-}" in
  '' | Anonymous ) ;;
  Bearer )
    case "${AUTH_AUTHORITY:-}" in
      '' ) refuse "AUTH_MODE is Bearer but AUTH_AUTHORITY is empty: azd env set AUTH_AUTHORITY https://login.microsoftonline.com/<tenant-id>/v2.0" ;;
      https://?* ) ;;
      http://?* )
        case ";$extra;" in
          *';Auth__RequireHttpsMetadata=false;'* ) ;;
          * ) refuse "AUTH_AUTHORITY must be https:// (the worker refuses a plain-HTTP issuer)" ;;
        esac ;;
      * ) refuse "AUTH_AUTHORITY must be an https:// URL" ;;
    esac
    [ -n "${AUTH_AUDIENCE:-}" ] || refuse "AUTH_MODE is Bearer but AUTH_AUDIENCE is empty: azd env set AUTH_AUDIENCE api://<app-id>" ;;
  * ) refuse "AUTH_MODE must be Anonymous or Bearer" ;;
esac

# EXTRA_APP_SETTINGS: NAME=value;NAME=value. azd copies it into main.parameters.json unescaped, so no " or \.
case "$extra" in
  *'"'* | *'\'* ) refuse 'EXTRA_APP_SETTINGS must not contain " or \ (azd writes it into a JSON file without escaping)' ;;
esac
# Sandbox__Id: only ever a Key Vault reference written from SANDBOX_ID, never a plain app setting.
managed=' LIVEKIT_URL LIVEKIT_API_KEY KEY_VAULT_URI KEY_VAULT_SECRET_NAME AZURE_CLIENT_ID APPLICATIONINSIGHTS_CONNECTION_STRING APPLICATIONINSIGHTS_AUTHENTICATION_STRING TokenPolicy__MaxRequestBodyBytes FUNCTIONS_REQUEST_BODY_SIZE_LIMIT Auth__Mode Auth__Authority Auth__Audience Auth__IdentityClaim Sandbox__Id '
# The worker's configuration keys are case-insensitive (ConfigurationProvider's Data uses OrdinalIgnoreCase:
# https://github.com/dotnet/runtime/blob/04da5a173f6331f6bb4ce24a28ccf32e136c427e/src/libraries/Microsoft.Extensions.Configuration/src/ConfigurationProvider.cs),
# so sandbox__id would reach the same setting: compare managed names without case.
managed_lower=$(printf '%s' "$managed" | tr '[:upper:]' '[:lower:]')
# Flex Consumption's deprecated app settings (learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).
flex=' ENABLE_ORYX_BUILD FUNCTIONS_EXTENSION_VERSION FUNCTIONS_WORKER_RUNTIME FUNCTIONS_WORKER_RUNTIME_VERSION FUNCTIONS_MAX_HTTP_CONCURRENCY FUNCTIONS_WORKER_PROCESS_COUNT FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED SCM_DO_BUILD_DURING_DEPLOYMENT WEBSITE_CONTENTAZUREFILECONNECTIONSTRING WEBSITE_CONTENTOVERVNET WEBSITE_CONTENTSHARE WEBSITE_DNS_SERVER WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT WEBSITE_NODE_DEFAULT_VERSION WEBSITE_RUN_FROM_PACKAGE WEBSITE_SKIP_CONTENTSHARE_VALIDATION WEBSITE_VNET_ROUTE_ALL '
# Anonymous mode: the worker refuses to start when any other Auth__ setting has a value (bearer settings next to a
# missing Auth__Mode mean bearer was meant; TokenFunction/Auth/CallerAuthenticationOptionsValidator.cs).
anonymous=false
case "${AUTH_MODE:-}" in '' | Anonymous ) anonymous=true ;; esac
extra_names=''
rest=$extra
position=0
while [ -n "$rest" ]; do
  entry=${rest%%;*}
  if [ "$entry" = "$rest" ]; then rest=''; else rest=${rest#*;}; fi
  position=$((position + 1))
  entry=$(printf '%s' "$entry" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
  [ -n "$entry" ] || continue
  name=$(printf '%s' "${entry%%=*}" | sed 's/[[:space:]]*$//')
  if [ "$name" = "$entry" ] || ! printf '%s' "$name" | grep -Eq '^[A-Za-z_][A-Za-z0-9_]*$'; then
    refuse "EXTRA_APP_SETTINGS entry $position (counting from 1, split at ;) is not NAME=value"
    continue
  fi
  value=$(printf '%s' "${entry#*=}" | sed 's/^[[:space:]]*//')
  case " $extra_names " in *" $name "*) ;; *) extra_names="$extra_names $name" ;; esac
  case "$managed_lower" in *" $(printf '%s' "$name" | tr '[:upper:]' '[:lower:]') "*) refuse "EXTRA_APP_SETTINGS must not set $name: the template sets it from its own azd value (docs/deploy.md, Settings)"; continue ;; esac
  case "$flex" in *" $name "*) refuse "EXTRA_APP_SETTINGS must not set $name: Flex Consumption does not support it"; continue ;; esac
  case "$name" in
    AzureWebJobsStorage*) refuse "EXTRA_APP_SETTINGS must not set $name: host storage is wired to the managed identity by the template" ;;
    *[Ss][Ee][Cc][Rr][Ee][Tt]*) refuse "EXTRA_APP_SETTINGS must not set $name: secrets belong in Key Vault, not in app settings" ;;
    [Aa][Uu][Tt][Hh]__*)
      if [ "$anonymous" = true ] && [ -n "$value" ]; then
        refuse "EXTRA_APP_SETTINGS sets $name, a bearer-mode setting, but AUTH_MODE is Anonymous: the app would refuse to start. azd env set AUTH_MODE Bearer, or remove it"
      fi ;;
  esac
done

# First provision or not, decided offline: KEY_VAULT_NAME is an output of infra/main.bicep, which azd stores in the
# environment after a provision and removes again on `azd down` (azure-dev cli/azd/pkg/infra/provisioning/manager.go,
# InvalidatedEnvKeys). Unset, no vault exists for this environment yet. The deploy workflow passes it from the GitHub
# variable `azd pipeline config` copies (azure.yaml, pipeline.variables); hooks see the process environment as well as
# azd's (azure-dev cli/azd/pkg/exec/command_runner.go, appendEnv).
# A vault recovered from soft delete (KEY_VAULT_RECOVER, below) comes back with its secret.
if [ -z "${LIVEKIT_API_SECRET:-}" ] && [ -z "${KEY_VAULT_NAME:-}" ] && [ "${KEY_VAULT_RECOVER:-}" != true ]; then
  refuse "LIVEKIT_API_SECRET is empty and this environment has no Key Vault yet (KEY_VAULT_NAME is unset: no provision has run), so the app would answer 503 to every token request. From a developer's machine (the pipeline never carries the secret): azd env set LIVEKIT_API_SECRET \"\$(read -rs s; printf %s \"\$s\")\" then azd provision"
fi

# `azd down` without --purge leaves the vault soft-deleted, and its name stays taken until the retention period ends:
# a new provision fails on it (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview). Before a
# first provision, look for this environment's deleted vault (tags azd-env-name and location, as main.bicep sets them)
# when the Azure CLI is there and signed in; say how to recover it (createMode recover, KEY_VAULT_RECOVER) or purge it.
case "${KEY_VAULT_RECOVER:-}" in
  '' | true | false ) ;;
  * ) refuse "KEY_VAULT_RECOVER must be true or false" ;;
esac
if [ "${KEY_VAULT_RECOVER:-}" = true ] && [ -n "${KEY_VAULT_NAME:-}" ]; then
  refuse "KEY_VAULT_RECOVER is true but this environment's vault exists (KEY_VAULT_NAME is set): there is nothing to recover. azd env set KEY_VAULT_RECOVER false"
fi
if [ -z "${KEY_VAULT_NAME:-}" ] && [ "${KEY_VAULT_RECOVER:-}" != true ] && command -v az >/dev/null 2>&1; then
  deleted=$(az keyvault list-deleted ${AZURE_SUBSCRIPTION_ID:+--subscription "$AZURE_SUBSCRIPTION_ID"} --resource-type vault \
    --query "[?properties.tags.\"azd-env-name\"=='${AZURE_ENV_NAME:-}' && properties.location=='${AZURE_LOCATION:-}'].name" -o tsv 2>/dev/null) || deleted=''
  deleted=$(printf '%s' "$deleted" | head -n 1 | tr -d '\r')
  if [ -n "$deleted" ]; then
    refuse "this environment's Key Vault $deleted is soft-deleted (azd down without --purge), and a new one cannot take its name. Recover it with its secrets: azd env set KEY_VAULT_RECOVER true, then provision again. Or, if it has no purge protection, delete it for good (its secrets too): az keyvault purge --name $deleted"
  fi
fi

# The sandbox routes stay on through SANDBOX_ENABLED, a pipeline variable; SANDBOX_ID itself never reaches the
# pipeline, so a push must not depend on it.
case "${SANDBOX_ENABLED:-}" in
  '' | true | false ) ;;
  * ) refuse "SANDBOX_ENABLED must be true or false" ;;
esac
if [ -n "${SANDBOX_ID:-}" ] && [ "${SANDBOX_ENABLED:-}" != true ]; then
  refuse "SANDBOX_ID is set but SANDBOX_ENABLED is not true: the pipeline never carries SANDBOX_ID, so the next push would turn the sandbox routes off. azd env set SANDBOX_ENABLED true"
fi
if [ "${SANDBOX_ENABLED:-}" = true ] && [ -z "${SANDBOX_ID:-}" ] && [ -z "${KEY_VAULT_NAME:-}" ]; then
  refuse "SANDBOX_ENABLED is true but SANDBOX_ID is empty and this environment has no Key Vault yet: azd env set SANDBOX_ID \"\$(openssl rand -hex 24)\""
fi

[ "$failed" -eq 0 ] || exit 1

if [ -z "${LIVEKIT_API_SECRET:-}" ]; then
  echo "preprovision: LIVEKIT_API_SECRET is empty: the vault keeps the secret it holds."
fi

# A provision writes the whole app settings list (infra/app/api.bicep): say which names, so that nobody expects a
# setting added in the portal to survive it. Names only.
settings='LIVEKIT_URL LIVEKIT_API_KEY KEY_VAULT_URI KEY_VAULT_SECRET_NAME TokenPolicy__MaxRequestBodyBytes FUNCTIONS_REQUEST_BODY_SIZE_LIMIT AzureWebJobsStorage__blobServiceUri AzureWebJobsStorage__credential AzureWebJobsStorage__clientId AZURE_CLIENT_ID APPLICATIONINSIGHTS_CONNECTION_STRING APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
[ "${AUTH_MODE:-}" = Bearer ] && settings="$settings Auth__Mode Auth__Authority Auth__Audience Auth__IdentityClaim"
[ "${SANDBOX_ENABLED:-}" = true ] && settings="$settings Sandbox__Id"
echo "preprovision: this provision sets exactly these app settings and removes any other (settings live in the azd environment: docs/deploy.md, Settings):$(printf ' %s' $settings)$extra_names"
