#!/bin/sh
# azd postprovision hook (POSIX sh): once a provision has written the LiveKit secret and the sandbox id to Key Vault,
# empty them in the azd environment. A value left there would be written back by the next `azd provision` from this
# machine, undoing a rotation done in the vault since, and `azd pipeline config` would copy it into a GitHub secret:
# azd copies every @secure() parameter mapped to one azd value whose value is set, whatever azure.yaml lists
# (azure-dev cli/azd/pkg/pipeline/pipeline.go, mergeProjectVariablesAndSecrets, "provider parameters").
# postprovision.ps1 is the same for Windows; TokenFunction.Tests/Infra/PostprovisionHookTests.cs runs both.
set -u
for name in LIVEKIT_API_SECRET SANDBOX_ID; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || continue
  # Names only: a value never reaches the output (CI logs included).
  if azd env set "$name" '' >/dev/null; then
    echo "postprovision: $name is in Key Vault now and was emptied in the azd environment (set it again only to change it)."
  else
    echo "postprovision: could not empty $name in the azd environment: run azd env set $name '' before the next provision" >&2
    exit 1
  fi
done

# A vault recovered from soft delete exists again: the next provision must not ask to recover it.
if [ "${KEY_VAULT_RECOVER:-}" = true ]; then
  azd env set KEY_VAULT_RECOVER false >/dev/null || { echo "postprovision: could not set KEY_VAULT_RECOVER back: run azd env set KEY_VAULT_RECOVER false" >&2; exit 1; }
  echo "postprovision: the vault is recovered; KEY_VAULT_RECOVER is false again."
fi
