#!/usr/bin/env bash
# Generates the labelled AMD set of docs/benchmarks/amd.md: live "hello" answers and voicemail
# greetings (with and without a trailing 1 kHz beep) in English, Brazilian Portuguese and Spanish,
# synthesised with Debian's espeak-ng and shaped with sox into what a carrier delivers: telephone
# band (300-3400 Hz), 8 kHz mono raw PCMU (`.ulaw`, what SIPp's rtp_stream plays), some items
# quiet or over line noise. Reproducible: the same espeak-ng/sox versions give the same bytes
# (the noise is sox's seeded generator, `-R`).
#
#   bash bench/amd/make-set.sh [out-dir]      (default: $TMPDIR/pacer-amd-set)
#
# Writes <out-dir>/<id>.ulaw and <out-dir>/manifest.tsv, one line per item:
#   id  class(human|machine)  lang  split(A|B)  beep_ms(offset of the beep from the start, or -)
#   speech_end_ms  duration_ms  tags  text
# Split A is the tuning half, B the held-out half (fixed here, alternating within each group).
set -euo pipefail
export SOX_OPTS="-R -V1"   # repeatable (seeded dither and noise), warnings off
out=${1:-${TMPDIR:-/tmp}/pacer-amd-set}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rate=8000
manifest="$out/manifest.tsv"
: > "$manifest.tmp"

ms() { # duration of a wav in ms
  awk -v s="$(soxi -D "$1")" 'BEGIN { printf "%d", s * 1000 + 0.5 }'
}
silence() { # file ms
  sox -n -r $rate -c 1 -b 16 "$1" trim 0 "$(awk -v m="$2" 'BEGIN { printf "%.3f", m / 1000 }')"
}
speak() { # file voice speed pitch text
  local raw="$work/raw.wav"
  espeak-ng -v "$2" -s "$3" -p "$4" -w "$raw" "$5"
  # espeak pads its output with silence: trim it so the segment timing is what the item says.
  sox "$raw" -r $rate -c 1 -b 16 "$1" silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse
}

# item ID CLASS LANG SPLIT VOICE SPEED PITCH GAIN_DB NOISE_DB TAGS TAIL_MS SEGMENT...
#   SEGMENT: s:<ms> silence, t:<text> speech, b:<ms> a 1 kHz beep of that length
#   GAIN_DB: speech level (peak normalisation, dBFS); NOISE_DB: pink line noise level (dBFS) or -
#   TAIL_MS: silence after the last segment (the stream ends there; the callee keeps quiet)
item() {
  local id=$1 class=$2 lang=$3 split=$4 voice=$5 speed=$6 pitch=$7 gain=$8 noise=$9 tags=${10} tail=${11}
  shift 11
  local parts=() n=0 beep=- text="" seg f speech_end=0 pos=0
  for seg in "$@"; do
    n=$((n + 1))
    f="$work/$id.$n.wav"
    case $seg in
      s:*) silence "$f" "${seg#s:}" ;;
      t:*)
        speak "$f.tmp.wav" "$voice" "$speed" "$pitch" "${seg#t:}"
        sox "$f.tmp.wav" "$f" sinc 300-3400 norm "$gain"
        text="${text:+$text / }${seg#t:}"
        ;;
      b:*)
        sox -n -r $rate -c 1 -b 16 "$f" synth "$(awk -v m="${seg#b:}" 'BEGIN { printf "%.3f", m / 1000 }')" sine 1000 fade 0.005 0 0.005 norm -6
        [ "$beep" = - ] && beep=$pos
        ;;
      *) echo "bad segment $seg" >&2; exit 1 ;;
    esac
    pos=$((pos + $(ms "$f")))
    case $seg in t:* | b:*) speech_end=$pos ;; esac
    parts+=("$f")
  done
  silence "$work/$id.tail.wav" "$tail"
  parts+=("$work/$id.tail.wav")
  sox "${parts[@]}" "$work/$id.clean.wav"
  if [ "$noise" != - ]; then
    sox -R -n -r $rate -c 1 -b 16 "$work/$id.noise.wav" synth "$(soxi -D "$work/$id.clean.wav")" pinknoise sinc 300-3400 norm "$noise"
    sox -m -v 1 "$work/$id.clean.wav" -v 1 "$work/$id.noise.wav" "$work/$id.wav"
  else
    cp "$work/$id.clean.wav" "$work/$id.wav"
  fi
  sox "$work/$id.wav" -r $rate -c 1 -t raw -e mu-law -b 8 "$out/$id.ulaw"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$class" "$lang" "$split" "$beep" "$speech_end" "$(ms "$work/$id.wav")" "$tags" "$text" >> "$manifest.tmp"
}

# ---------------------------------------------------------------- live answers (human)
# English
item h-en-01 human en A en-us 160 50 -3 - hello 4000 s:300 "t:Hello?"
item h-en-02 human en B en-gb+m3 170 45 -3 - hello 4000 s:250 "t:Hi, who's this?"
item h-en-03 human en A en-us+f2 180 60 -4 - hello 4000 s:400 "t:Yes?"
item h-en-04 human en B en-us+m7 150 40 -3 -52 hello,noise 4000 s:350 "t:Hello?"
item h-en-05 human en A en-gb-x-rp+f4 165 55 -3 - hello-then-talk 3500 s:300 "t:Hello?" s:1300 "t:Hello? Is anybody there?"
item h-en-06 human en B en-us+m3 175 50 -3 - hello-then-talk 3500 s:300 "t:Hello, this is Mark." s:1200 "t:Who's calling?"
item h-en-07 human en A en-us+f3 170 65 -18 - hello,quiet 4000 s:300 "t:Hello?"
item h-en-08 human en B en-us+m1 140 45 -3 - late-hello 4000 s:1800 "t:Hello?"
item h-en-09 human en A en-us+m2 185 50 -3 - hard,long-sentence 3500 s:300 "t:Hi, this is John Davies speaking, who am I talking to please?"
# Brazilian Portuguese
item h-pt-01 human pt-BR B pt-br 160 50 -3 - hello 4000 s:300 "t:Alô?"
item h-pt-02 human pt-BR A pt-br+f2 170 60 -3 - hello 4000 s:300 "t:Alô, quem fala?"
item h-pt-03 human pt-BR B pt-br+m3 175 45 -4 - hello 4000 s:350 "t:Oi, pode falar."
item h-pt-04 human pt-BR A pt-br+f4 150 55 -3 -50 hello,noise 4000 s:400 "t:Sim?"
item h-pt-05 human pt-BR B pt-br+m7 165 40 -3 - hello-then-talk 3500 s:300 "t:Alô?" s:1200 "t:Alô? Quem está falando?"
item h-pt-06 human pt-BR A pt-br+m2 180 50 -3 - hello-then-talk 3500 s:300 "t:Pronto, é o Carlos." s:1100 "t:Quem é?"
item h-pt-07 human pt-BR B pt-br+f3 185 60 -3 - hard,long-sentence 3500 s:300 "t:Alô, boa tarde, aqui é a Maria da contabilidade, em que posso ajudar?"
item h-pt-08 human pt-BR A pt-br+m1 160 50 -18 - hello,quiet 4000 s:500 "t:Alô?"
# Spanish (Spain and Latin America)
item h-es-01 human es A es 160 50 -3 - hello 4000 s:300 "t:Sí, dígame."
item h-es-02 human es B es-419+f2 170 60 -3 - hello 4000 s:300 "t:¿Bueno?"
item h-es-03 human es A es-419+m3 165 45 -3 - hello 4000 s:350 "t:¿Hola?"
item h-es-04 human es B es+f4 175 55 -4 - hello 4000 s:300 "t:¿Sí? ¿Quién habla?"
item h-es-05 human es A es-419+m7 150 40 -3 -50 hello,noise 4000 s:400 "t:Diga."
item h-es-06 human es B es+m2 170 50 -3 - hello-then-talk 3500 s:300 "t:¿Aló?" s:1300 "t:¿Aló? ¿Me escucha?"
item h-es-07 human es A es-419+f3 180 60 -3 - hello-then-talk 3500 s:300 "t:Hola, soy Ana." s:1200 "t:¿Quién es?"
item h-es-08 human es B es+m1 185 50 -3 - hard,long-sentence 3500 s:300 "t:Hola, buenas tardes, habla Pedro González, ¿en qué le puedo ayudar?"

# ---------------------------------------------------------------- voicemail greetings (machine)
# English
item m-en-01 machine en A en-us+f2 170 55 -3 - short,beep 5000 s:300 "t:Please leave a message." s:400 b:1000
item m-en-02 machine en B en-us+m3 165 50 -3 - short,no-beep 4000 s:300 "t:Hey, it's Mike. Leave a message."
item m-en-03 machine en A en-gb+m2 160 45 -3 - medium,beep 5000 s:400 "t:Hi, this is John. I can't take your call right now. Leave a message after the tone." s:600 b:1000
item m-en-04 machine en B en-us 155 50 -3 - carrier,beep 5000 s:300 "t:You have reached the voicemail box of five five five, zero one two three. Please leave your message after the tone." s:700 b:1000
item m-en-05 machine en A en-us+f4 150 55 -3 - carrier,long,beep 5000 s:300 "t:The person you are trying to reach is not available. Please leave a message after the tone. When you have finished recording, you may hang up, or press pound for more options." s:500 b:500
item m-en-06 machine en B en-gb-x-rp+m7 160 45 -3 - business,long,no-beep 4000 s:300 "t:Thank you for calling Acme Plumbing. Our office hours are Monday to Friday, eight a.m. to six p.m. If this is an emergency, please call our after hours line. Otherwise, leave your name, number and a short message, and we will return your call as soon as we can."
item m-en-07 machine en A en-us+f3 140 65 -3 - hard,personal-pauses,beep 5000 s:300 "t:Hi!" s:900 "t:It's Jenny." s:900 "t:Sorry I missed you." s:900 "t:Leave me a message!" s:500 b:800
item m-en-08 machine en B en-us+m1 170 50 -6 -50 medium,noise,beep 5000 s:300 "t:Hello, you've reached Dave and Linda. We're not home right now, so please leave a message." s:600 b:1000
# Brazilian Portuguese
item m-pt-01 machine pt-BR A pt-br+f2 165 55 -3 - short,beep 5000 s:300 "t:Deixe sua mensagem após o sinal." s:400 b:1000
item m-pt-02 machine pt-BR B pt-br+m3 170 50 -3 - carrier,beep 5000 s:300 "t:Sua chamada está sendo encaminhada para a caixa de mensagens e estará sujeita a cobrança após o sinal." s:500 b:700
item m-pt-03 machine pt-BR A pt-br 160 50 -3 - medium,beep 5000 s:400 "t:Olá, você ligou para o Carlos. No momento não posso atender. Deixe seu recado após o sinal." s:600 b:1000
item m-pt-04 machine pt-BR B pt-br+f4 155 55 -3 - short,no-beep 4000 s:300 "t:Oi, é a Ana. Deixa um recado."
item m-pt-05 machine pt-BR A pt-br+m7 150 40 -3 - business,long,no-beep 4000 s:300 "t:Obrigado por ligar para a Padaria Central. Nosso horário de atendimento é de segunda a sábado, das sete da manhã às oito da noite. Para encomendas, deixe seu nome, telefone e o pedido, e retornaremos assim que possível."
item m-pt-06 machine pt-BR B pt-br+f3 145 60 -3 - hard,personal-pauses,beep 5000 s:300 "t:Oi!" s:900 "t:Aqui é a Júlia." s:900 "t:Agora não posso atender." s:900 "t:Deixa teu recado!" s:500 b:800
item m-pt-07 machine pt-BR A pt-br+m2 165 50 -6 -50 carrier,noise,beep 5000 s:300 "t:O número que você ligou não pode atender no momento. Deixe sua mensagem após o sinal." s:500 b:1000
item m-pt-08 machine pt-BR B pt-br+m1 175 45 -3 - medium,beep 5000 s:300 "t:Você ligou para a Silva Advocacia. Deixe seu nome e telefone que retornaremos." s:600 b:500
# Spanish
item m-es-01 machine es A es+f2 165 55 -3 - short,beep 5000 s:300 "t:Deje su mensaje después de la señal." s:400 b:1000
item m-es-02 machine es B es-419+m3 170 50 -3 - carrier,beep 5000 s:300 "t:El número que usted marcó no está disponible. Por favor, deje su mensaje después del tono." s:500 b:1000
item m-es-03 machine es A es-419 160 50 -3 - medium,beep 5000 s:400 "t:Hola, has llamado a Luis. Ahora no puedo contestar. Déjame tu mensaje y te llamo luego." s:600 b:700
item m-es-04 machine es B es+f4 160 55 -3 - short,no-beep 4000 s:300 "t:Hola, soy Carmen. Deja tu mensaje."
item m-es-05 machine es A es+m7 150 40 -3 - business,long,beep 5000 s:300 "t:Gracias por llamar a Clínica Dental Sonrisa. Nuestro horario es de lunes a viernes, de nueve a siete. Si desea pedir una cita, deje su nombre y su número de teléfono, y le llamaremos lo antes posible." s:600 b:1000
item m-es-06 machine es B es-419+f3 140 60 -3 - hard,personal-pauses,beep 5000 s:300 "t:¡Hola!" s:900 "t:Soy Lucía." s:900 "t:No estoy." s:900 "t:¡Déjame un mensaje!" s:500 b:800
item m-es-07 machine es A es-419+m2 165 50 -6 -50 carrier,noise,no-beep 4000 s:300 "t:El cliente al que llama no se encuentra disponible en este momento. Inténtelo más tarde."
item m-es-08 machine es B es+m1 175 45 -3 - medium,beep 5000 s:300 "t:Buzón de voz de Javier Ruiz. Deje su mensaje después de la señal, gracias." s:600 b:500

sort "$manifest.tmp" > "$manifest"
rm -f "$manifest.tmp"
printf '%s items in %s\n' "$(wc -l < "$manifest")" "$out" >&2
