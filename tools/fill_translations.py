"""Developer tool: refresh the catalogues from the code (make extract-messages) and fill Chinese
translations from a JSON file {msgid: translation or [plural forms]}: python tools/fill_translations.py zh.json"""
import json
import subprocess
import sys

from babel.messages.pofile import read_po, write_po

subprocess.run(["make","-s","extract-messages"],check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
zh=json.load(open(sys.argv[1])) if len(sys.argv)>1 else {}
for lang in ("zh_CN","en"):
    path=f"locales/{lang}/LC_MESSAGES/saima.po"
    with open(path,"rb") as f: cat=read_po(f)
    missing=[]
    for m in cat:
        if not m.id: continue
        m.flags.discard("fuzzy")
        if lang=="en":
            if isinstance(m.id,tuple): m.string=(m.id[0],m.id[1])
            else: m.string=m.id
        elif not m.string or (isinstance(m.string,tuple) and not all(m.string)):
            key = m.id if isinstance(m.id,str) else m.id[0]
            if key in zh:
                v=zh[key]; m.string = tuple(v) if isinstance(v,list) else v
            else: missing.append(m.id)
    cat.obsolete.clear()
    with open(path,"wb") as f: write_po(f,cat,width=110)
    print(lang,"missing:",missing)
