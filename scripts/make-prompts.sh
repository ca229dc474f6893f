#!/usr/bin/env bash
# Regenerates Pacer's default prompts in config/freeswitch/sounds/pacer (8 kHz mono 16-bit WAV,
# what FreeSWITCH plays to PCMU legs without resampling) from the texts below, with Debian's
# espeak-ng and sox (apt-get install espeak-ng sox). The files are committed; this script is only
# needed to change them. A campaign's own recorded message (abandonMessage) replaces the default:
# the TSR and Ofcom require the message to name the caller and give a number to call back, which
# a generic default cannot do.
set -euo pipefail
cd "$(dirname "$0")/.."
out=config/freeswitch/sounds/pacer
mkdir -p "$out"
make() { # name voice text
  local tmp
  tmp=$(mktemp --suffix=.wav)
  espeak-ng -v "$2" -s 150 -w "$tmp" "$3"
  sox "$tmp" -r 8000 -c 1 -b 16 "$out/$1.wav" norm -3
  rm -f "$tmp"
  printf '%s %s s\n' "$out/$1.wav" "$(soxi -D "$out/$1.wav")"
}
make identification en-us "This is an automated message. The call you just answered was placed by an automatic dialer, and no representative was free to take it. We apologise. We will not call you again today."
make identification-pt-BR pt-br "Esta é uma mensagem automática. A ligação que você atendeu foi feita por um discador automático, e nenhum atendente estava livre para falar com você. Pedimos desculpas. Não ligaremos novamente hoje."
make identification-es es-419 "Este es un mensaje automático. La llamada que usted atendió fue realizada por un marcador automático, y ningún agente estaba libre para atenderle. Le pedimos disculpas. No volveremos a llamarle hoy."
