<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>Error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <source>What to do: {hint}</source>
        <translation>怎么办：{hint}</translation>
    </message>
    <message>
        <source>Details: {path}</source>
        <translation>详情：{path}</translation>
    </message>
    <message>
        <source>Warning: {message}</source>
        <translation>警告：{message}</translation>
    </message>
    <message>
        <source>(offline, built in)</source>
        <translation>（离线，内置）</translation>
    </message>
    <message>
        <source>Saved the profile “{name}” ({url}).</source>
        <translation>已保存配置“{name}”（{url}）。</translation>
    </message>
    <message>
        <source>It is the active profile.</source>
        <translation>它是当前使用的配置。</translation>
    </message>
    <message>
        <source>The Sandbox profile is built in and cannot be changed.</source>
        <translation>沙盒配置是内置的，不能修改。</translation>
    </message>
    <message>
        <source>New API key (hidden; empty removes the key): </source>
        <translation>新的 API 密钥（输入时不显示；留空则删除密钥）：</translation>
    </message>
    <message>
        <source>Delete the profile “{name}”, its key and what this computer keeps for it? [y/N] </source>
        <translation>删除配置“{name}”、它的密钥以及本机为它保存的数据吗？[y/N] </translation>
    </message>
    <message>
        <source>Deleted the profile “{name}”.</source>
        <translation>已删除配置“{name}”。</translation>
    </message>
    <message>
        <source>“{name}” is now the active profile.</source>
        <translation>“{name}”现在是当前使用的配置。</translation>
    </message>
    <message>
        <source>which provider&apos;s API the profile speaks (default: compatible, the OpenAI shape)</source>
        <translation>配置使用哪家服务商的 API（默认：compatible，即 OpenAI 格式）</translation>
    </message>
    <message>
        <source>a new name for the profile</source>
        <translation>配置的新名称</translation>
    </message>
    <message>
        <source>list, add, change and test connection profiles</source>
        <translation>列出、添加、修改和测试连接配置</translation>
    </message>
    <message>
        <source>add a profile; its key is asked for (or read from standard input)</source>
        <translation>添加配置；会提示输入密钥（或从标准输入读取）</translation>
    </message>
    <message>
        <source>do not ask for a key</source>
        <translation>不询问密钥</translation>
    </message>
    <message>
        <source>change a profile&apos;s settings or key</source>
        <translation>修改配置的设置或密钥</translation>
    </message>
    <message>
        <source>ask for a new key (or read it from standard input)</source>
        <translation>询问新的密钥（或从标准输入读取）</translation>
    </message>
    <message>
        <source>delete a profile, its key and its local data</source>
        <translation>删除配置、它的密钥和本机数据</translation>
    </message>
    <message>
        <source>make a profile the active one</source>
        <translation>把某个配置设为当前配置</translation>
    </message>
    <message>
        <source>check each network layer and the key of a profile</source>
        <translation>逐层检查配置的网络连接和密钥</translation>
    </message>
    <message>
        <source>default: the active one</source>
        <translation>默认：当前配置</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>沙盒</translation>
    </message>
    <message>
        <source>Testing {url}</source>
        <translation>正在测试 {url}</translation>
    </message>
    <message>
        <source>Testing profile “{name}” ({url})</source>
        <translation>正在测试配置“{name}”（{url}）</translation>
    </message>
    <message>
        <source>Connection works.</source>
        <translation>连接正常。</translation>
    </message>
    <message>
        <source>Connection failed.</source>
        <translation>连接失败。</translation>
    </message>
    <message>
        <source>The Sandbox could not listen on {host}:{port}.</source>
        <translation>沙盒无法在 {host}:{port} 上监听。</translation>
    </message>
    <message>
        <source>Choose another port, or 0 for any free port.</source>
        <translation>请换一个端口，或填 0 让系统自动选择空闲端口。</translation>
    </message>
    <message>
        <source>Warning: the Sandbox listens on {host}, so other computers on your network can reach it: it accepts any key and holds the files you send it. Use --host 127.0.0.1 unless you mean it.</source>
        <translation>警告：沙盒监听在 {host} 上，网络中的其他电脑也能访问它：它接受任何密钥，并保存你发送的文件。除非确有需要，请使用 --host 127.0.0.1。</translation>
    </message>
    <message>
        <source>Warning: the Sandbox&apos;s saved state was damaged; it was kept as {path} and the Sandbox starts empty.</source>
        <translation>警告：沙盒保存的状态已损坏；已保留为 {path}，沙盒将从空白开始。</translation>
    </message>
    <message>
        <source>No real model is trained and nothing is billed. Press Ctrl+C to stop.</source>
        <translation>不会真正训练模型，也不会产生费用。按 Ctrl+C 停止。</translation>
    </message>
    <message>
        <source>Sandbox stopped.</source>
        <translation>沙盒已停止。</translation>
    </message>
    <message>
        <source>{file}: {n} examples, {format} format, {encoding}, {endings} line endings</source>
        <translation>{file}：{n} 条样本，{format} 格式，编码 {encoding}，换行符 {endings}</translation>
    </message>
    <message>
        <source>Columns: {mapping}</source>
        <translation>列对应关系：{mapping}</translation>
    </message>
    <message>
        <source>Recognised: {what}</source>
        <translation>已识别：{what}</translation>
    </message>
    <message>
        <source>Tokens: {total} in all; per example min {min}, median {median}, 95% under {p95}, max {max}</source>
        <translation>Token：共 {total} 个；每条样本最少 {min}，中位数 {median}，95% 不超过 {p95}，最多 {max}</translation>
    </message>
    <message>
        <source>unknown (no price for this model)</source>
        <translation>未知（没有这个模型的价格）</translation>
    </message>
    <message>
        <source>Estimate for {model}: {epochs} epochs, {billed} billed tokens, about {cost} (prices as of {date}; an estimate)</source>
        <translation>{model} 的估算：训练 {epochs} 轮，计费 {billed} 个 token，约 {cost}（价格截至 {date}，仅供参考）</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>line {n}</source>
        <translation>第 {n} 行</translation>
    </message>
    <message>
        <source>file</source>
        <translation>整个文件</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>……还有 {n} 条</translation>
    </message>
    <message>
        <source>Ready to train.</source>
        <translation>可以开始训练。</translation>
    </message>
    <message>
        <source>Fix the errors before training.</source>
        <translation>请先修正错误再训练。</translation>
    </message>
    <message>
        <source>converted {n} examples to OpenAI&apos;s format</source>
        <translation>已将 {n} 条样本转换为 OpenAI 格式</translation>
    </message>
    <message>
        <source>trimmed whitespace in {n} examples</source>
        <translation>清除了 {n} 条样本首尾的空白</translation>
    </message>
    <message>
        <source>dropped {n} empty examples</source>
        <translation>删除了 {n} 条空样本</translation>
    </message>
    <message>
        <source>converted {n} completion examples to chat</source>
        <translation>把 {n} 条 completion 样本转换成了 chat 格式</translation>
    </message>
    <message>
        <source>added the system message to {n} examples</source>
        <translation>为 {n} 条样本添加了 system 消息</translation>
    </message>
    <message>
        <source>dropped {n} duplicate examples</source>
        <translation>删除了 {n} 条重复样本</translation>
    </message>
    <message>
        <source>wrote {n} examples to {path}</source>
        <translation>已把 {n} 条样本写入 {path}</translation>
    </message>
    <message>
        <source>{name} would be overwritten by the validation part of the split.</source>
        <translation>拆分出的验证部分会覆盖 {name}。</translation>
    </message>
    <message>
        <source>Choose another name with -o.</source>
        <translation>请用 -o 指定另一个文件名。</translation>
    </message>
    <message>
        <source>{name}: {n} rows are in no format we can convert (lines {lines}).</source>
        <translation>{name}：有 {n} 行不是可转换的格式（第 {lines} 行）。</translation>
    </message>
    <message>
        <source>We read OpenAI chat, prompt/completion and DPO rows, Alpaca, ShareGPT, Firefly, question/answer records and spreadsheets with such columns. Fix or remove those rows; `check` shows what is wrong with each.</source>
        <translation>可读取 OpenAI 的对话、prompt/completion 与 DPO 样本，以及 Alpaca、ShareGPT、Firefly、问答记录和带有这些列的表格。请修正或删除这些行；`check` 会逐行说明问题。</translation>
    </message>
    <message>
        <source>must be between 0 and 1, e.g. 0.1</source>
        <translation>必须在 0 和 1 之间，例如 0.1</translation>
    </message>
    <message>
        <source>{app}: fine-tune OpenAI-compatible models. Without arguments `python main.py` opens the app.</source>
        <translation>{app}：微调兼容 OpenAI 的模型。不带参数运行 `python main.py` 会打开图形界面。</translation>
    </message>
    <message>
        <source>language of messages (default: the app&apos;s setting)</source>
        <translation>提示信息的语言（默认：跟随应用设置）</translation>
    </message>
    <message>
        <source>show every profile; * marks the active one</source>
        <translation>显示所有配置，* 表示当前使用的配置</translation>
    </message>
    <message>
        <source>check a connection profile</source>
        <translation>检查连接配置</translation>
    </message>
    <message>
        <source>check each network layer and the API key</source>
        <translation>逐层检查网络和 API 密钥</translation>
    </message>
    <message>
        <source>profile name or id (default: the active one)</source>
        <translation>配置名称或 ID（默认：当前使用的配置）</translation>
    </message>
    <message>
        <source>check a training file, count tokens and estimate the cost</source>
        <translation>检查训练文件，统计 token 并估算费用</translation>
    </message>
    <message>
        <source>base model (default: gpt-4o-mini)</source>
        <translation>基础模型（默认：gpt-4o-mini）</translation>
    </message>
    <message>
        <source>check the file for this training method as well</source>
        <translation>同时按此训练方法检查文件</translation>
    </message>
    <message>
        <source>print one JSON object instead of a summary</source>
        <translation>输出一个 JSON 对象，而不是文字摘要</translation>
    </message>
    <message>
        <source>fix a training file and write the result as JSONL</source>
        <translation>修正训练文件，并把结果保存为 JSONL</translation>
    </message>
    <message>
        <source>where to write the fixed file</source>
        <translation>修正后文件的保存位置</translation>
    </message>
    <message>
        <source>convert prompt/completion examples to chat (Alpaca, ShareGPT, Firefly, question/answer and spreadsheet rows are always written in OpenAI&apos;s format)</source>
        <translation>将 prompt/completion 样本转换为对话格式（Alpaca、ShareGPT、Firefly、问答和表格的行总是写成 OpenAI 格式）</translation>
    </message>
    <message>
        <source>system message to add where there is none</source>
        <translation>为缺少 system 消息的样本添加这段 system 消息</translation>
    </message>
    <message>
        <source>drop exact duplicates</source>
        <translation>删除完全相同的重复样本</translation>
    </message>
    <message>
        <source>trim spaces and line breaks around texts</source>
        <translation>去掉文本首尾的空格和换行</translation>
    </message>
    <message>
        <source>drop examples without any text</source>
        <translation>删除没有任何文本的样本</translation>
    </message>
    <message>
        <source>hold back this fraction as a validation file</source>
        <translation>按这个比例留出一部分样本作为验证集</translation>
    </message>
    <message>
        <source>seed for --split (default: 0)</source>
        <translation>--split 使用的随机种子（默认：0）</translation>
    </message>
    <message>
        <source>run the offline practice server (nothing is billed)</source>
        <translation>运行离线练习服务（不产生费用）</translation>
    </message>
    <message>
        <source>The local server could not listen on {host}:{port}.</source>
        <translation>本地服务器无法在 {host}:{port} 上监听。</translation>
    </message>
    <message>
        <source>Warning: the local server listens on {host}, so other computers on your network can reach it and use this computer to train and answer. Use --host 127.0.0.1 unless you mean it.</source>
        <translation>警告：本地服务器正在监听 {host}，局域网中的其他电脑可以访问它，并借用本机进行训练和回答。除非确有此意，否则请使用 --host 127.0.0.1。</translation>
    </message>
    <message>
        <source>Press Ctrl+C to stop.</source>
        <translation>按 Ctrl+C 停止。</translation>
    </message>
    <message>
        <source>Local server stopped.</source>
        <translation>本地服务器已停止。</translation>
    </message>
    <message>
        <source>run the server that trains and answers on this computer</source>
        <translation>运行在本机上训练和回答的服务器</translation>
    </message>
    <message>
        <source>address to listen on (default: 127.0.0.1)</source>
        <translation>监听地址（默认：127.0.0.1）</translation>
    </message>
    <message>
        <source>port (default: 0, any free port)</source>
        <translation>端口（默认 0，即任意空闲端口）</translation>
    </message>
    <message>
        <source>where its files, jobs and trained models are kept (default: the app&apos;s)</source>
        <translation>其文件、任务和训练好的模型的存放位置（默认：应用自己的位置）</translation>
    </message>
    <message>
        <source>where downloaded base models are kept (default: the app&apos;s)</source>
        <translation>下载的基础模型的存放位置（默认：应用自己的位置）</translation>
    </message>
    <message>
        <source>keep files, jobs and models in this folder across restarts</source>
        <translation>把文件、任务和模型保存在这个文件夹中，重启后仍然保留</translation>
    </message>
    <message>
        <source>how long a simulated fine-tuning job takes (default: 60)</source>
        <translation>模拟一次微调任务所需的秒数（默认：60）</translation>
    </message>
    <message>
        <source>which provider&apos;s API shape to serve (default: openai)</source>
        <translation>模拟哪家服务商的 API 格式（默认：openai）</translation>
    </message>
    <message>
        <source>Interrupted.</source>
        <translation>已中断。</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Name lookup (DNS)</source>
        <translation>域名解析（DNS）</translation>
    </message>
    <message>
        <source>Connection (TCP)</source>
        <translation>网络连接（TCP）</translation>
    </message>
    <message>
        <source>Secure connection (TLS)</source>
        <translation>安全连接（TLS）</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>API and key</source>
        <translation>API 与密钥</translation>
    </message>
    <message>
        <source>Fine-tuning jobs</source>
        <translation>微调任务</translation>
    </message>
    <message>
        <source>The name {host} could not be found.</source>
        <translation>找不到域名 {host}。</translation>
    </message>
    <message>
        <source>Check the spelling of the address and your internet connection. If you need a proxy to reach the internet, set it in the profile.</source>
        <translation>请检查地址拼写和网络连接。如果需要代理才能上网，请在配置中填写代理。</translation>
    </message>
    <message>
        <source>{host}:{port} did not answer.</source>
        <translation>{host}:{port} 没有响应。</translation>
    </message>
    <message>
        <source>A firewall may block it, or the service is down. Try a proxy.</source>
        <translation>可能被防火墙拦截，或者服务暂时不可用。可以试试使用代理。</translation>
    </message>
    <message>
        <source>Nothing accepts connections at {host}:{port}.</source>
        <translation>{host}:{port} 拒绝了连接。</translation>
    </message>
    <message>
        <source>Check the port and that the server or proxy is running.</source>
        <translation>请检查端口是否正确，以及服务器或代理是否已启动。</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted ({reason}).</source>
        <translation>服务器的证书不受信任（{reason}）。</translation>
    </message>
    <message>
        <source>The address may be wrong, or a network filter intercepts the connection. Do not enter your key until this is solved.</source>
        <translation>可能是地址填错了，或者有网络过滤设备在拦截连接。问题解决之前，请不要输入密钥。</translation>
    </message>
    <message>
        <source>A secure connection could not be established.</source>
        <translation>无法建立安全连接。</translation>
    </message>
    <message>
        <source>The server may not speak HTTPS on this port: check http:// versus https://.</source>
        <translation>这个端口可能不支持 HTTPS：请确认应该用 http:// 还是 https://。</translation>
    </message>
    <message>
        <source>This account can no longer create fine-tuning jobs.</source>
        <translation>此账号已不能再创建微调任务。</translation>
    </message>
    <message>
        <source>Models already trained keep answering until their shutdown date. To train again, export your jobs and files and add a profile for another provider in Settings.</source>
        <translation>已训练好的模型在下线日期之前仍可回答。若要再次训练，请导出任务和文件，并在“设置”中添加其他服务商的配置。</translation>
    </message>
    <message>
        <source>Training on this computer needs an optional part that is not installed.</source>
        <translation>在本机上训练需要一个尚未安装的可选组件。</translation>
    </message>
    <message>
        <source>This account can create fine-tuning jobs.</source>
        <translation>此账号可以创建微调任务。</translation>
    </message>
    <message>
        <source>Could not tell whether this account can still create fine-tuning jobs: the server&apos;s answer was not one we know.</source>
        <translation>无法判断此账号能否继续创建微调任务：服务器的应答不是我们认识的。</translation>
    </message>
    <message>
        <source>Starting a job will show the provider&apos;s own answer.</source>
        <translation>开始任务时会显示服务商自己的应答。</translation>
    </message>
    <message>
        <source>The provider cannot fine-tune “{model}”: it does not know the model, or does not offer it for fine-tuning.</source>
        <translation>服务商无法微调“{model}”：它不认识这个模型，或不提供该模型的微调。</translation>
    </message>
    <message>
        <source>Check the spelling and the provider&apos;s list of models that can be fine-tuned. To continue training one of your models, give its full model name (ft:…), not a job or checkpoint id.</source>
        <translation>请检查拼写以及服务商可微调的模型列表。若要继续训练你的某个模型，请填写完整的模型名称（ft:…），而不是任务或检查点 ID。</translation>
    </message>
    <message>
        <source>The server answered, but not like an OpenAI-compatible API ({kind}).</source>
        <translation>服务器有响应，但返回的不是兼容 OpenAI 的 API 数据（{kind}）。</translation>
    </message>
    <message>
        <source>The base URL probably points at a web page or a login portal. Check the address your provider gave you; it usually ends with /v1.</source>
        <translation>Base URL 可能指向了网页或登录页。请核对服务商提供的地址，通常以 /v1 结尾。</translation>
    </message>
    <message>
        <source>The key works: {count} models available.</source>
        <translation>密钥有效：可用模型 {count} 个。</translation>
    </message>
    <message>
        <source>The server created a job for a file that does not exist ({job}); it was cancelled at once.</source>
        <translation>服务器为一个不存在的文件创建了任务（{job}）；已立即取消。</translation>
    </message>
    <message>
        <source>&amp;Organization</source>
        <translation>组织(&amp;O)</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可不填</translation>
    </message>
    <message>
        <source>Pro&amp;ject</source>
        <translation>项目(&amp;J)</translation>
    </message>
    <message>
        <source>OpenAI</source>
        <translation>OpenAI</translation>
    </message>
    <message>
        <source>OpenAI-compatible gateway or relay</source>
        <translation>兼容 OpenAI 的网关或中转服务</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>网关</translation>
    </message>
    <message>
        <source>Sandbox (offline practice server)</source>
        <translation>沙盒（离线练习服务）</translation>
    </message>
    <message>
        <source>The Sandbox runs on this computer. It imitates the fine-tuning service so you can rehearse every step for free: no real model is trained and nothing is billed. Add a profile with your own key when you are ready.</source>
        <translation>沙盒运行在你自己的电脑上，它模拟微调服务，让你免费把每个步骤都练习一遍：不会真正训练模型，也不会产生任何费用。准备好之后，再添加一个使用你自己密钥的配置。</translation>
    </message>
    <message>
        <source>OpenAI is winding down self-serve fine-tuning. Export your jobs and files (Training tab or `export`), then add a profile for Azure OpenAI, Zhipu, Bailian or a compatible gateway in Settings and train there.</source>
        <translation>OpenAI 正在逐步停止自助微调。请先导出你的任务和文件（训练页或 `export` 命令），再在“设置”中添加 Azure OpenAI、智谱、百炼或兼容网关的配置，在那里继续训练。</translation>
    </message>
    <message>
        <source>“{url}” is not a valid base URL.</source>
        <translation>“{url}”不是有效的 Base URL。</translation>
    </message>
    <message>
        <source>A base URL looks like https://api.openai.com/v1.</source>
        <translation>Base URL 的格式类似 https://api.openai.com/v1。</translation>
    </message>
    <message>
        <source>The address is well formed.</source>
        <translation>地址格式正确。</translation>
    </message>
    <message>
        <source>{host} was found.</source>
        <translation>已解析 {host}。</translation>
    </message>
    <message>
        <source>{host}:{port} accepts connections.</source>
        <translation>{host}:{port} 可以连接。</translation>
    </message>
    <message>
        <source>The certificate of {host} is valid.</source>
        <translation>{host} 的证书有效。</translation>
    </message>
    <message>
        <source>The proxy forwards requests.</source>
        <translation>代理可以正常转发请求。</translation>
    </message>
    <message>
        <source>The server rejected the API key.</source>
        <translation>服务器拒绝了这个 API 密钥。</translation>
    </message>
    <message>
        <source>Check that the key is complete and belongs to this provider; paste it again in Settings.</source>
        <translation>请确认密钥完整，并且属于这个服务商；可以在“设置”中重新粘贴。</translation>
    </message>
    <message>
        <source>The key may not use this service (403 Forbidden).</source>
        <translation>这个密钥无权使用该服务（403 Forbidden）。</translation>
    </message>
    <message>
        <source>Your region, organization or project may not have access. Check the organization and project fields, or use a gateway that is allowed in your region.</source>
        <translation>可能是所在地区、组织或项目没有访问权限。请检查“组织”和“项目”两栏，或改用在你所在地区可用的网关。</translation>
    </message>
    <message>
        <source>Not found (404): {reason}</source>
        <translation>找不到（404）：{reason}</translation>
    </message>
    <message>
        <source>Check the model or deployment name: it may not exist yet, or belong to another profile.</source>
        <translation>请检查模型或部署名称：它可能还不存在，或者属于另一个配置。</translation>
    </message>
    <message>
        <source>The server has no such address (404 Not Found).</source>
        <translation>服务器上没有这个地址（404 Not Found）。</translation>
    </message>
    <message>
        <source>The base URL is probably wrong. Most services expect it to end with /v1.</source>
        <translation>Base URL 可能填错了。大多数服务要求以 /v1 结尾。</translation>
    </message>
    <message>
        <source>The base URL is probably missing /v1: try {url}.</source>
        <translation>Base URL 可能少了 /v1：试试 {url}。</translation>
    </message>
    <message>
        <source>Check the id: it may be mistyped, or belong to another profile, project or account.</source>
        <translation>请检查 ID：可能输错了，或属于另一个配置、项目或账号。</translation>
    </message>
    <message>
        <source>Too many requests, or your quota is used up (429).</source>
        <translation>请求太频繁，或额度已用完（429）。</translation>
    </message>
    <message>
        <source>Wait a minute and try again. If it keeps happening, check your plan and billing.</source>
        <translation>请稍等一分钟再试。如果一直出现，请检查套餐和账单。</translation>
    </message>
    <message>
        <source>Your quota is used up (429 insufficient_quota).</source>
        <translation>额度已用完（429 insufficient_quota）。</translation>
    </message>
    <message>
        <source>Add credit or raise the limit in your provider&apos;s billing page.</source>
        <translation>请在服务商的账单页面充值或提高限额。</translation>
    </message>
    <message>
        <source>The server had a problem ({status}).</source>
        <translation>服务器出错了（{status}）。</translation>
    </message>
    <message>
        <source>This is usually temporary. Try again in a few minutes.</source>
        <translation>这通常是暂时的，请过几分钟再试。</translation>
    </message>
    <message>
        <source>The server refused the request ({status}): {reason}</source>
        <translation>服务器拒绝了请求（{status}）：{reason}</translation>
    </message>
    <message>
        <source>Change what the message names and try again.</source>
        <translation>请按提示修改后再试。</translation>
    </message>
    <message>
        <source>The server refused the request ({status}) with a web page instead of an API answer.</source>
        <translation>服务器拒绝了请求（{status}），返回的是网页而不是 API 应答。</translation>
    </message>
    <message>
        <source>A proxy, firewall or gateway in between may have blocked it, or the base URL points at a web site. The page is in the log file.</source>
        <translation>可能是中间的代理、防火墙或网关拦截了请求，或者 Base URL 指向了一个网站。该网页已记录在日志文件中。</translation>
    </message>
    <message>
        <source>The server refused the request ({status}).</source>
        <translation>服务器拒绝了请求（{status}）。</translation>
    </message>
    <message>
        <source>See the details in the log; the request may be malformed.</source>
        <translation>详情请查看日志，可能是请求格式有误。</translation>
    </message>
    <message>
        <source>The file {name} could not be read or written ({reason}).</source>
        <translation>无法读取或写入文件 {name}（{reason}）。</translation>
    </message>
    <message>
        <source>A file could not be read or written ({reason}).</source>
        <translation>有文件无法读取或写入（{reason}）。</translation>
    </message>
    <message>
        <source>Check that the folder exists, that you may write there, that the disk is not full and that no other program has the file open.</source>
        <translation>请确认文件夹存在、你有写入权限、磁盘没有满，并且没有其他程序正打开这个文件。</translation>
    </message>
    <message>
        <source>The proxy asks for a user name and password (407).</source>
        <translation>代理要求输入用户名和密码（407）。</translation>
    </message>
    <message>
        <source>Write them into the proxy address: http://user:password@host:port.</source>
        <translation>请把它们写进代理地址：http://用户名:密码@主机:端口。</translation>
    </message>
    <message>
        <source>The proxy could not be reached.</source>
        <translation>无法连接到代理。</translation>
    </message>
    <message>
        <source>Check the proxy address and port (Settings, or --proxy) and that the proxy is running.</source>
        <translation>请检查代理地址和端口（设置中或 --proxy），并确认代理正在运行。</translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation>服务器响应超时。</translation>
    </message>
    <message>
        <source>Check your internet connection or raise the timeout in Settings.</source>
        <translation>请检查网络连接，或在“设置”中调大超时时间。</translation>
    </message>
    <message>
        <source>The proxy refused the connection.</source>
        <translation>代理拒绝了连接。</translation>
    </message>
    <message>
        <source>Check the proxy address, port, user name and password in Settings.</source>
        <translation>请在“设置”中检查代理的地址、端口、用户名和密码。</translation>
    </message>
    <message>
        <source>The certificate is not trusted, or the server does not speak HTTPS here.</source>
        <translation>证书不受信任，或者该地址不支持 HTTPS。</translation>
    </message>
    <message>
        <source>Could not connect to the server.</source>
        <translation>无法连接到服务器。</translation>
    </message>
    <message>
        <source>Check the base URL, your internet connection and the proxy settings.</source>
        <translation>请检查 Base URL、网络连接和代理设置。</translation>
    </message>
    <message>
        <source>The server&apos;s answer is larger than {size} MB, so it was not read.</source>
        <translation>服务器的应答超过 {size} MB，因此未读取。</translation>
    </message>
    <message>
        <source>The server is misbehaving, or the base URL points at the wrong place. Check the base URL in Settings; if it is right, tell the provider.</source>
        <translation>服务器行为异常，或 Base URL 指向了错误的地址。请在设置中检查 Base URL；如果没错，请告知服务商。</translation>
    </message>
    <message>
        <source>The server compressed its answer in a way the app does not read ({encoding}).</source>
        <translation>服务器用本应用无法读取的方式压缩了应答（{encoding}）。</translation>
    </message>
    <message>
        <source>Check the base URL in Settings; a proxy in between may be changing the answers.</source>
        <translation>请在设置中检查 Base URL；中间的代理可能改动了应答。</translation>
    </message>
    <message>
        <source>The server&apos;s answer was not understood.</source>
        <translation>无法识别服务器返回的内容。</translation>
    </message>
    <message>
        <source>Check the base URL in Settings.</source>
        <translation>请在设置中检查 Base URL。</translation>
    </message>
    <message>
        <source>The base URL may point at a web page or a gateway that is not OpenAI-compatible.</source>
        <translation>Base URL 可能指向了网页，或者一个不兼容 OpenAI 的网关。</translation>
    </message>
    <message>
        <source>Something unexpected went wrong.</source>
        <translation>发生了意外错误。</translation>
    </message>
    <message>
        <source>Details are in the log file (Help → Open the log folder).</source>
        <translation>详情见日志文件（帮助 → 打开日志文件夹）。</translation>
    </message>
    <message>
        <source>The proxy password of “{name}” could not be read.</source>
        <translation>无法读取“{name}”的代理密码。</translation>
    </message>
    <message>
        <source>The proxy password of “{name}” was taken out of the settings file.</source>
        <translation>“{name}”的代理密码已从设置文件中移出。</translation>
    </message>
    <message>
        <source>There is no keyring, so it is kept for this session only: enter it again after a restart.</source>
        <translation>系统没有密钥环，因此只在本次运行中保留：重启后请重新输入。</translation>
    </message>
    <message>
        <source>The profile needs a name.</source>
        <translation>请给配置起个名字。</translation>
    </message>
    <message>
        <source>Type a name such as “Work account”.</source>
        <translation>例如“工作账号”。</translation>
    </message>
    <message>
        <source>Another profile is already called “{name}”.</source>
        <translation>已经有一个叫“{name}”的配置了。</translation>
    </message>
    <message>
        <source>Choose a different name.</source>
        <translation>请换一个名字。</translation>
    </message>
    <message>
        <source>The timeout must be between 1 and 3600 seconds.</source>
        <translation>超时时间必须在 1 到 3600 秒之间。</translation>
    </message>
    <message>
        <source>“{value}” is not a training type of this provider.</source>
        <translation>“{value}”不是这家服务商支持的训练类型。</translation>
    </message>
    <message>
        <source>Choose one of: {types}.</source>
        <translation>请从以下选项中选择：{types}。</translation>
    </message>
    <message>
        <source>The Sandbox profile is built in and cannot be deleted.</source>
        <translation>沙盒配置是内置的，不能删除。</translation>
    </message>
    <message>
        <source>There is no profile “{name}”.</source>
        <translation>没有名为“{name}”的配置。</translation>
    </message>
    <message>
        <source>See the list of profiles in Settings.</source>
        <translation>可以在“设置”中查看配置列表。</translation>
    </message>
    <message>
        <source>Training on this computer is not available in this build.</source>
        <translation>此版本不支持在本机上训练。</translation>
    </message>
    <message>
        <source>Choose or add a profile of a provider.</source>
        <translation>请选择或添加一个服务商配置。</translation>
    </message>
    <message>
        <source>The Sandbox is not available in this build.</source>
        <translation>此版本暂不提供沙盒。</translation>
    </message>
    <message>
        <source>Choose or add a profile with your own API key.</source>
        <translation>请选择或添加一个使用你自己 API 密钥的配置。</translation>
    </message>
    <message>
        <source>The system keyring could not be read.</source>
        <translation>无法读取系统密钥环。</translation>
    </message>
    <message>
        <source>Unlock your keyring, or keep the key for this session only.</source>
        <translation>请解锁密钥环，或者选择只在本次运行期间保存密钥。</translation>
    </message>
    <message>
        <source>The key could not be saved in the system keyring.</source>
        <translation>无法把密钥保存到系统密钥环。</translation>
    </message>
    <message>
        <source>The key file is damaged.</source>
        <translation>密钥文件已损坏。</translation>
    </message>
    <message>
        <source>Enter the key again in Settings.</source>
        <translation>请在“设置”中重新输入密钥。</translation>
    </message>
    <message>
        <source>The file with your API keys was damaged: enter the keys again in Settings.</source>
        <translation>保存 API 密钥的文件已损坏：请在设置中重新输入密钥。</translation>
    </message>
    <message>
        <source>Check the keyring&apos;s settings (PYTHON_KEYRING_BACKEND, keyringrc.cfg), or store keys in a file only you can read.</source>
        <translation>请检查密钥环的设置（PYTHON_KEYRING_BACKEND、keyringrc.cfg），或把密钥保存在只有你能读取的文件中。</translation>
    </message>
    <message>
        <source>The system keyring could not be loaded, so keys are kept for this session only.</source>
        <translation>无法加载系统密钥环，因此密钥只在本次运行中保留。</translation>
    </message>
    <message>
        <source>Keys are stored in a file that only your user account can read. Anyone with access to your account can read them.</source>
        <translation>密钥保存在一个只有你的系统账户能读取的文件中。能登录你账户的人也能读到它们。</translation>
    </message>
    <message>
        <source>No system keyring was found, so keys are kept for this session only and must be entered again after a restart.</source>
        <translation>没有找到系统密钥环，因此密钥只在本次运行期间保存，重启应用后需要重新输入。</translation>
    </message>
    <message>
        <source>Keys are kept for this session only.</source>
        <translation>密钥只在本次运行期间保存。</translation>
    </message>
    <message>
        <source>The base URL is empty.</source>
        <translation>Base URL 不能为空。</translation>
    </message>
    <message>
        <source>Enter an address such as https://api.openai.com/v1.</source>
        <translation>请输入地址，例如 https://api.openai.com/v1。</translation>
    </message>
    <message>
        <source>added https://</source>
        <translation>补上了 https://</translation>
    </message>
    <message>
        <source>“{url}” is not a web address.</source>
        <translation>“{url}”不是网址。</translation>
    </message>
    <message>
        <source>removed the trailing slash</source>
        <translation>去掉了末尾的斜杠</translation>
    </message>
    <message>
        <source>removed the endpoint path {path}</source>
        <translation>去掉了接口路径 {path}</translation>
    </message>
    <message>
        <source>added /v1</source>
        <translation>补上了 /v1</translation>
    </message>
    <message>
        <source>“{name}” is not a valid Azure resource name.</source>
        <translation>“{name}”不是有效的 Azure 资源名称。</translation>
    </message>
    <message>
        <source>Use the name shown in the Azure portal, e.g. my-openai-resource.</source>
        <translation>请使用 Azure 门户中显示的名称，例如 my-openai-resource。</translation>
    </message>
    <message>
        <source>“{url}” is not a proxy address.</source>
        <translation>“{url}”不是代理地址。</translation>
    </message>
    <message>
        <source>Use http://host:port or socks5://host:port (user:password@ if needed).</source>
        <translation>格式为 http://主机:端口 或 socks5://主机:端口（如需认证，写成 用户名:密码@主机:端口）。</translation>
    </message>
    <message>
        <source>The proxy address has no valid port.</source>
        <translation>代理地址缺少有效的端口。</translation>
    </message>
    <message>
        <source>Add the port, e.g. http://127.0.0.1:7890.</source>
        <translation>请加上端口，例如 http://127.0.0.1:7890。</translation>
    </message>
    <message>
        <source>{name} is not a text file in any encoding we know.</source>
        <translation>{name} 不是可识别编码的文本文件。</translation>
    </message>
    <message>
        <source>Save it from your editor or Excel as UTF-8 (CSV UTF-8 or JSONL) and open it again.</source>
        <translation>请在编辑器或 Excel 中另存为 UTF-8（“CSV UTF-8”或 JSONL）后再打开。</translation>
    </message>
    <message>
        <source>This line holds bytes that are not UTF-8 text (shown as �); retype those characters.</source>
        <translation>这一行含有不是 UTF-8 文本的字节（显示为 �）；请重新输入这些字符。</translation>
    </message>
    <message>
        <source>A line must hold one JSON object {…}.</source>
        <translation>每一行必须是一个 JSON 对象 {…}。</translation>
    </message>
    <message>
        <source>{name} is not valid JSON: {error}</source>
        <translation>{name} 不是有效的 JSON：{error}</translation>
    </message>
    <message>
        <source>Fix the file in a text editor, or save it as JSONL (one example per line).</source>
        <translation>请在文本编辑器中修正，或另存为 JSONL（每行一条样本）。</translation>
    </message>
    <message>
        <source>{name} holds one JSON object, not a list of examples.</source>
        <translation>{name} 里只有一个 JSON 对象，而不是样本列表。</translation>
    </message>
    <message>
        <source>Put the examples in a list [ … ] or save them as JSONL.</source>
        <translation>请把样本放进列表 [ … ] 中，或另存为 JSONL。</translation>
    </message>
    <message>
        <source>An example must be a JSON object {…}.</source>
        <translation>每条样本必须是一个 JSON 对象 {…}。</translation>
    </message>
    <message>
        <source>{name} could not be read.</source>
        <translation>无法读取 {name}。</translation>
    </message>
    <message>
        <source>Check that the file exists and that you may read it.</source>
        <translation>请确认文件存在，并且你有权限读取它。</translation>
    </message>
    <message>
        <source>{name} is not a file that can be read as a dataset (it is a folder, a device or a pipe).</source>
        <translation>{name} 不是可以作为数据集读取的文件（它是文件夹、设备或管道）。</translation>
    </message>
    <message>
        <source>Choose a saved .jsonl, .json, .csv or .xlsx file.</source>
        <translation>请选择已保存的 .jsonl、.json、.csv 或 .xlsx 文件。</translation>
    </message>
    <message>
        <source>{where}: the content must be text.</source>
        <translation>{where}：内容必须是文本。</translation>
    </message>
    <message>
        <source>{where}: the content is empty.</source>
        <translation>{where}：内容为空。</translation>
    </message>
    <message>
        <source>{where}: contains the special token {token}, which makes the job fail after upload.</source>
        <translation>{where}：包含特殊标记 {token}，上传后会导致训练任务失败。</translation>
    </message>
    <message>
        <source>{where}: unknown content part type {types} (use text or image_url).</source>
        <translation>{where}：未知的内容片段类型 {types}（请使用 text 或 image_url）。</translation>
    </message>
    <message>
        <source>{where}: only user messages can hold images.</source>
        <translation>{where}：只有用户消息可以包含图片。</translation>
    </message>
    <message>
        <source>{where}: an image part needs “image_url” with a “url” (an https:// address or a data: URL).</source>
        <translation>{where}：图片片段需要带有“url”的“image_url”（https:// 地址或 data: URL）。</translation>
    </message>
    <message>
        <source>message {n}</source>
        <translation>第 {n} 条消息</translation>
    </message>
    <message>
        <source>{where} is not an object.</source>
        <translation>{where}不是对象。</translation>
    </message>
    <message>
        <source>{where}: unknown key {keys}.</source>
        <translation>{where}：无法识别的字段 {keys}。</translation>
    </message>
    <message>
        <source>{where}: unknown role “{role}” (use system, user, assistant or tool).</source>
        <translation>{where}：无法识别的角色“{role}”（应为 system、user、assistant 或 tool）。</translation>
    </message>
    <message>
        <source>{where}: weight must be 0 or 1, on assistant messages only.</source>
        <translation>{where}：weight 只能是 0 或 1，且只能用于 assistant 消息。</translation>
    </message>
    <message>
        <source>{where} has no content.</source>
        <translation>{where}没有内容。</translation>
    </message>
    <message>
        <source>“messages” must be a non-empty list.</source>
        <translation>“messages”必须是非空列表。</translation>
    </message>
    <message>
        <source>Unknown key {keys}.</source>
        <translation>无法识别的字段 {keys}。</translation>
    </message>
    <message>
        <source>No assistant message: there is nothing to learn.</source>
        <translation>没有 assistant 消息：模型无从学习。</translation>
    </message>
    <message>
        <source>“{key}” is missing.</source>
        <translation>缺少“{key}”。</translation>
    </message>
    <message>
        <source>“{key}” must be text.</source>
        <translation>“{key}”必须是文本。</translation>
    </message>
    <message>
        <source>“input” must hold a non-empty “messages” list.</source>
        <translation>“input”中必须有非空的“messages”列表。</translation>
    </message>
    <message>
        <source>“{key}” must be a list with one assistant message.</source>
        <translation>“{key}”必须是只含一条 assistant 消息的列表。</translation>
    </message>
    <message>
        <source>Not valid JSON: {error}</source>
        <translation>不是有效的 JSON：{error}</translation>
    </message>
    <message>
        <source>Not a training example we can read: expected OpenAI&apos;s “messages”, “prompt” and “completion”, or “input” with preferred and non-preferred outputs; or Alpaca, ShareGPT, Firefly or question/answer fields with text in them.</source>
        <translation>不是可读取的训练样本：应为 OpenAI 的“messages”、“prompt”和“completion”，或带有更好与更差回答的“input”；或者是含有文本的 Alpaca、ShareGPT、Firefly 或问答字段。</translation>
    </message>
    <message>
        <source>Prompt/completion examples for a chat model</source>
        <translation>对话模型却用了 prompt/completion 样本</translation>
    </message>
    <message>
        <source>Chat examples for a legacy model</source>
        <translation>旧版模型却用了对话样本</translation>
    </message>
    <message>
        <source>Not preference examples</source>
        <translation>不是偏好样本</translation>
    </message>
    <message>
        <source>Preference examples for supervised training</source>
        <translation>监督训练却用了偏好样本</translation>
    </message>
    <message>
        <source>Images not in the count</source>
        <translation>图片未计入</translation>
    </message>
    <message>
        <source>Unknown content part</source>
        <translation>未知的内容片段</translation>
    </message>
    <message>
        <source>Image without an address</source>
        <translation>图片缺少地址</translation>
    </message>
    <message>
        <source>Image outside a user message</source>
        <translation>图片不在用户消息中</translation>
    </message>
    <message>
        <source>This is a {found} example in a {expected} file.</source>
        <translation>这是一条 {found} 格式的样本，但文件是 {expected} 格式。</translation>
    </message>
    <message>
        <source>Not valid JSON</source>
        <translation>不是有效的 JSON</translation>
    </message>
    <message>
        <source>Not a training example</source>
        <translation>不是训练样本</translation>
    </message>
    <message>
        <source>Example of another format</source>
        <translation>格式不一致的样本</translation>
    </message>
    <message>
        <source>Wrong type of value</source>
        <translation>值的类型不对</translation>
    </message>
    <message>
        <source>Empty text</source>
        <translation>文本为空</translation>
    </message>
    <message>
        <source>Special token in the text</source>
        <translation>文本中含有特殊标记</translation>
    </message>
    <message>
        <source>Unknown key</source>
        <translation>无法识别的字段</translation>
    </message>
    <message>
        <source>Unknown role</source>
        <translation>无法识别的角色</translation>
    </message>
    <message>
        <source>Wrong weight</source>
        <translation>weight 不正确</translation>
    </message>
    <message>
        <source>Message without content</source>
        <translation>消息没有内容</translation>
    </message>
    <message>
        <source>No messages</source>
        <translation>没有消息</translation>
    </message>
    <message>
        <source>No assistant message</source>
        <translation>没有 assistant 消息</translation>
    </message>
    <message>
        <source>No prompt</source>
        <translation>缺少 prompt</translation>
    </message>
    <message>
        <source>No completion</source>
        <translation>缺少 completion</translation>
    </message>
    <message>
        <source>Wrong preferred or non-preferred output</source>
        <translation>preferred 或 non-preferred 输出不正确</translation>
    </message>
    <message>
        <source>Duplicate example</source>
        <translation>重复的样本</translation>
    </message>
    <message>
        <source>Also in the validation file</source>
        <translation>验证集里也有</translation>
    </message>
    <message>
        <source>Too long: will be cut short</source>
        <translation>太长：训练时会被截断</translation>
    </message>
    <message>
        <source>The prompts do not end with a common separator (such as “ -&gt;” or “\n\n###\n\n”); the model cannot tell where a prompt ends.</source>
        <translation>各条 prompt 的结尾没有统一的分隔符（例如“ -&gt;”或“\n\n###\n\n”），模型无法判断 prompt 在哪里结束。</translation>
    </message>
    <message>
        <source>The completions do not end with a common stop sequence (such as “\n” or “ END”); answers may run on.</source>
        <translation>各条 completion 的结尾没有统一的停止符（例如“\n”或“ END”），生成的回答可能停不下来。</translation>
    </message>
    <message>
        <source>{n} completions in English start without a space; the legacy models learn better with one.</source>
        <translation>有 {n} 条英文 completion 开头没有空格；旧版模型在开头带一个空格时学得更好。</translation>
    </message>
    <message>
        <source>These are prompt/completion examples, but {model} trains on chat examples; the job would fail. Convert them to chat (Fix → Convert to chat).</source>
        <translation>这些是 prompt/completion 样本，但 {model} 只用对话样本训练，任务会失败。请转换为对话格式（修复 → 转换为对话）。</translation>
    </message>
    <message>
        <source>{model} trains on prompt/completion examples only; choose a chat model such as gpt-4o-mini for these {format} examples.</source>
        <translation>{model} 只用 prompt/completion 样本训练；这些 {format} 样本请选择对话模型，例如 gpt-4o-mini。</translation>
    </message>
    <message>
        <source>DPO training needs preference examples (a question with a preferred and a non-preferred answer); this file has {format} examples.</source>
        <translation>DPO 训练需要偏好样本（一个问题配一个更好和一个更差的回答）；此文件是 {format} 样本。</translation>
    </message>
    <message>
        <source>These are preference (DPO) examples: choose the DPO method, or use chat examples for supervised training.</source>
        <translation>这些是偏好（DPO）样本：请选择 DPO 方法，或用对话样本进行监督训练。</translation>
    </message>
    <message>
        <source>The file has {n} examples; fine-tuning needs at least {min}.</source>
        <translation>文件只有 {n} 条样本，微调至少需要 {min} 条。</translation>
    </message>
    <message>
        <source>Only {n} examples: 50 to 100 good examples usually work better; with few examples, training runs more epochs.</source>
        <translation>只有 {n} 条样本：通常 50 到 100 条好样本效果更好；样本少时，训练会多跑几轮。</translation>
    </message>
    <message>
        <source>The file is larger than 512 MB; it will be sent in parts through the Uploads API.</source>
        <translation>文件超过 512 MB，将通过 Uploads API 分块上传。</translation>
    </message>
    <message>
        <source>Same example as line {line}.</source>
        <translation>与第 {line} 行的样本重复。</translation>
    </message>
    <message>
        <source>This example is also in the validation file; a model cannot be judged on data it trained on.</source>
        <translation>这条样本也出现在验证集中；用训练过的数据无法客观评估模型。</translation>
    </message>
    <message>
        <source>{n} images are not included in the token count or the cost: what an image costs depends on its size in pixels, which the file does not hold.</source>
        <translation>{n} 张图片未计入 token 数和费用：图片的费用取决于其像素尺寸，而文件中没有这项信息。</translation>
    </message>
    <message>
        <source>{tokens} tokens: longer than the {limit} {model} trains on, so it will be cut short.</source>
        <translation>{tokens} 个 token：超过 {model} 训练时的上限 {limit}，超出部分会被截断。</translation>
    </message>
    <message>
        <source>{n} examples have no system message.</source>
        <translation>有 {n} 条样本没有 system 消息。</translation>
    </message>
    <message>
        <source>The check was cancelled.</source>
        <translation>检查已取消。</translation>
    </message>
    <message>
        <source>{name}: no columns we can use ({headers}).</source>
        <translation>{name}：没有可识别的列（{headers}）。</translation>
    </message>
    <message>
        <source>no header row</source>
        <translation>没有表头</translation>
    </message>
    <message>
        <source>Name the columns user and assistant (or 问题 and 回答; instruction, input and output), optionally system; or prompt and completion.</source>
        <translation>请把列命名为 user 和 assistant（或“问题”和“回答”；instruction、input 和 output），可选 system；或 prompt 和 completion。</translation>
    </message>
    <message>
        <source>column “{column}” → {role}</source>
        <translation>“{column}”列 → {role}</translation>
    </message>
    <message>
        <source>not used: {columns}</source>
        <translation>未使用：{columns}</translation>
    </message>
    <message>
        <source>{name} has more than {n} lines; that is more than a training file can hold.</source>
        <translation>{name} 超过 {n} 行，超出了训练文件能容纳的数量。</translation>
    </message>
    <message>
        <source>Keep the examples you need in a smaller sheet, or split the file.</source>
        <translation>请把需要的样本放在较小的表格中，或拆分文件。</translation>
    </message>
    <message>
        <source>A cell could not be read as text.</source>
        <translation>有单元格无法读作文本。</translation>
    </message>
    <message>
        <source>{name}, line {line}: {error}</source>
        <translation>{name}，第 {line} 行：{error}</translation>
    </message>
    <message>
        <source>A cell may be longer than {n} characters, or a quote may not be closed. Check that line in a text editor.</source>
        <translation>可能有单元格超过 {n} 个字符，或引号没有闭合。请用文本编辑器检查该行。</translation>
    </message>
    <message>
        <source>{name} would unpack to {size} MB; workbooks larger than {limit} MB are not opened.</source>
        <translation>{name} 解压后将达 {size} MB；超过 {limit} MB 的工作簿不会打开。</translation>
    </message>
    <message>
        <source>Save the sheet as CSV UTF-8 and open that, or split it into smaller workbooks.</source>
        <translation>请把表格另存为 CSV UTF-8 后再打开，或拆分成较小的工作簿。</translation>
    </message>
    <message>
        <source>{name} could not be opened as an Excel workbook.</source>
        <translation>无法把 {name} 作为 Excel 工作簿打开。</translation>
    </message>
    <message>
        <source>Open it in Excel and save it again as .xlsx, or as CSV UTF-8.</source>
        <translation>请用 Excel 打开后重新另存为 .xlsx，或另存为“CSV UTF-8”。</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>Start an empty dataset</source>
        <translation>新建一个空数据集</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a JSONL, JSON, CSV, TSV or Excel file</source>
        <translation>打开 JSONL、JSON、CSV、TSV 或 Excel 文件</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save as JSONL (the previous version is kept as .bak)</source>
        <translation>保存为 JSONL（上一个版本会保留为 .bak）</translation>
    </message>
    <message>
        <source>Save &amp;as…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save as a new JSONL file</source>
        <translation>另存为新的 JSONL 文件</translation>
    </message>
    <message>
        <source>Training and validation files…</source>
        <translation>训练集和验证集文件…</translation>
    </message>
    <message>
        <source>Hold back 10% as a validation file</source>
        <translation>留出 10% 作为验证集</translation>
    </message>
    <message>
        <source>CSV for Excel…</source>
        <translation>Excel 可打开的 CSV…</translation>
    </message>
    <message>
        <source>Save a copy that Excel opens</source>
        <translation>保存一份 Excel 能打开的副本</translation>
    </message>
    <message>
        <source>Add row</source>
        <translation>添加行</translation>
    </message>
    <message>
        <source>Add an example below the selection</source>
        <translation>在所选行下方添加一条样本</translation>
    </message>
    <message>
        <source>Duplicate rows</source>
        <translation>复制行</translation>
    </message>
    <message>
        <source>Copy the selected rows below them</source>
        <translation>在所选行下方复制一份</translation>
    </message>
    <message>
        <source>Delete rows</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Delete the selected rows (Ctrl+Z brings them back)</source>
        <translation>删除所选行（Ctrl+Z 可以恢复）</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move the selected rows up</source>
        <translation>把所选行上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Move the selected rows down</source>
        <translation>把所选行下移</translation>
    </message>
    <message>
        <source>Copy as JSONL</source>
        <translation>复制为 JSONL</translation>
    </message>
    <message>
        <source>Copy the selected rows, one JSON object per line</source>
        <translation>复制所选行，每行一个 JSON 对象</translation>
    </message>
    <message>
        <source>Copy for Excel</source>
        <translation>复制到 Excel</translation>
    </message>
    <message>
        <source>Copy the selected rows as tab-separated text</source>
        <translation>把所选行复制为制表符分隔的文本</translation>
    </message>
    <message>
        <source>Paste rows</source>
        <translation>粘贴行</translation>
    </message>
    <message>
        <source>Paste JSONL lines or cells copied from Excel as new rows</source>
        <translation>把 JSONL 文本或从 Excel 复制的单元格粘贴为新行</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Search the examples</source>
        <translation>搜索样本</translation>
    </message>
    <message>
        <source>Trim spaces</source>
        <translation>去掉首尾空白</translation>
    </message>
    <message>
        <source>Remove spaces and blank lines around every text</source>
        <translation>去掉每段文本首尾的空格和空行</translation>
    </message>
    <message>
        <source>Remove duplicates</source>
        <translation>删除重复样本</translation>
    </message>
    <message>
        <source>Keep the first of identical examples</source>
        <translation>相同的样本只保留第一条</translation>
    </message>
    <message>
        <source>Remove empty rows</source>
        <translation>删除空行</translation>
    </message>
    <message>
        <source>Remove examples with no text at all</source>
        <translation>删除完全没有文本的样本</translation>
    </message>
    <message>
        <source>Add a system message…</source>
        <translation>添加 system 消息…</translation>
    </message>
    <message>
        <source>Give every chat example the same system message</source>
        <translation>给每条 chat 样本加上同一段 system 消息</translation>
    </message>
    <message>
        <source>Grow dataset…</source>
        <translation>扩充数据集…</translation>
    </message>
    <message>
        <source>Write more examples like the selected ones, or from a document, with a model; you review each one before it joins the file</source>
        <translation>用模型仿照所选样本（或根据一份文档）写出更多样本；每一条都经你审阅后才会加入文件</translation>
    </message>
    <message>
        <source>Review new rows from a file…</source>
        <translation>从文件审阅新行…</translation>
    </message>
    <message>
        <source>Put the rows of a review file (written by the grow command) in the review queue</source>
        <translation>把审阅文件（由 grow 命令写出）中的行放入审阅队列</translation>
    </message>
    <message>
        <source>Convert to chat</source>
        <translation>转换为 chat 格式</translation>
    </message>
    <message>
        <source>Turn prompt/completion rows into user/assistant messages, removing old separators</source>
        <translation>把 prompt/completion 行转换为 user/assistant 消息，并去掉旧的分隔符</translation>
    </message>
    <message>
        <source>Customer-support chat</source>
        <translation>客服对话</translation>
    </message>
    <message>
        <source>Q&amp;A completion</source>
        <translation>问答（completion）</translation>
    </message>
    <message>
        <source>Preference pairs (DPO)</source>
        <translation>偏好对比（DPO）</translation>
    </message>
    <message>
        <source>From template: {name}</source>
        <translation>从模板新建：{name}</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近打开</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>修正</translation>
    </message>
    <message>
        <source>More commands</source>
        <translation>更多命令</translation>
    </message>
    <message>
        <source>Edit cell</source>
        <translation>编辑单元格</translation>
    </message>
    <message>
        <source>Delete {n} rows</source>
        <translation>删除 {n} 行</translation>
    </message>
    <message>
        <source>Move rows</source>
        <translation>移动行</translation>
    </message>
    <message>
        <source>Paste {n} rows</source>
        <translation>粘贴 {n} 行</translation>
    </message>
    <message>
        <source>Untitled dataset</source>
        <translation>未命名数据集</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的修改</translation>
    </message>
    <message>
        <source>Save the changes to {name}?</source>
        <translation>要保存对 {name} 的修改吗？</translation>
    </message>
    <message>
        <source>If you don&apos;t save, your changes since the last save are lost.</source>
        <translation>如果不保存，上次保存之后的修改都会丢失。</translation>
    </message>
    <message>
        <source>Open a dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <source>Opened {name}: {kind}, {encoding}.</source>
        <translation>已打开 {name}：{kind}，编码 {encoding}。</translation>
    </message>
    <message>
        <source>Rows are shown in OpenAI&apos;s format; saving writes a UTF-8 JSONL file beside it.</source>
        <translation>各行以 OpenAI 格式显示；保存时会在旁边写入一个 UTF-8 JSONL 文件。</translation>
    </message>
    <message>
        <source>Save the dataset</source>
        <translation>保存数据集</translation>
    </message>
    <message>
        <source>Saved {n} examples to {name}.</source>
        <translation>已把 {n} 条样本保存到 {name}。</translation>
    </message>
    <message>
        <source>Export training and validation files</source>
        <translation>导出训练集和验证集</translation>
    </message>
    <message>
        <source>Wrote {train} training examples to {a} and {valid} validation examples to {b}.</source>
        <translation>已把 {train} 条训练样本写入 {a}，{valid} 条验证样本写入 {b}。</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>导出为 CSV</translation>
    </message>
    <message>
        <source>Wrote {n} rows to {name}.</source>
        <translation>已把 {n} 行写入 {name}。</translation>
    </message>
    <message>
        <source>{name} was changed by another program.</source>
        <translation>{name} 被其他程序修改了。</translation>
    </message>
    <message>
        <source>Reload it to see those changes; your unsaved edits here would be lost.</source>
        <translation>重新载入即可看到这些修改；这里未保存的编辑会丢失。</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
    <message>
        <source>a new dataset</source>
        <translation>一个新数据集</translation>
    </message>
    <message>
        <source>FineTune Studio closed without saving {n} rows of {name} (autosaved {when}).</source>
        <translation>微调工作室上次关闭时，{name} 中有 {n} 行没有保存（自动保存于 {when}）。</translation>
    </message>
    <message>
        <source>Restore them to keep working; save them to keep them.</source>
        <translation>恢复后可以继续编辑；记得保存才能留住它们。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Restore unsaved work</source>
        <translation>恢复未保存的内容</translation>
    </message>
    <message>
        <source>Row {n} before:
{before}

after:
{after}</source>
        <translation>第 {n} 行修改前：
{before}

修改后：
{after}</translation>
    </message>
    <message>
        <source>Add a system message</source>
        <translation>添加 system 消息</translation>
    </message>
    <message>
        <source>The system message every chat example should start with:</source>
        <translation>每条 chat 样本开头的 system 消息：</translation>
    </message>
    <message>
        <source>{fix}: nothing to change.</source>
        <translation>{fix}：没有需要修改的内容。</translation>
    </message>
    <message>
        <source>{fix} changes {n} of {total} rows.</source>
        <translation>{fix}会修改 {total} 行中的 {n} 行。</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统（system）</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户（user）</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手（assistant）</translation>
    </message>
    <message>
        <source>Turns</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示（prompt）</translation>
    </message>
    <message>
        <source>Completion</source>
        <translation>补全（completion）</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Preferred</source>
        <translation>更好的回答</translation>
    </message>
    <message>
        <source>Not preferred</source>
        <translation>较差的回答</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>检查中…</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>API base URL instead of a profile</source>
        <translation>直接指定 API 的 Base URL，而不使用配置</translation>
    </message>
    <message>
        <source>which provider&apos;s API the base URL speaks (default: compatible, the OpenAI shape)</source>
        <translation>Base URL 使用哪家服务商的 API（默认：compatible，即 OpenAI 格式）</translation>
    </message>
    <message>
        <source>API key (default: OPENAI_API_KEY)</source>
        <translation>API 密钥（默认读取 OPENAI_API_KEY）</translation>
    </message>
    <message>
        <source>HTTP or SOCKS proxy URL</source>
        <translation>HTTP 或 SOCKS 代理地址</translation>
    </message>
    <message>
        <source>use the app&apos;s offline Sandbox (nothing is billed)</source>
        <translation>使用应用的离线沙盒（不产生费用）</translation>
    </message>
    <message>
        <source>reconnecting… ({reason})</source>
        <translation>正在重新连接…（{reason}）</translation>
    </message>
    <message>
        <source>Done. Your model: {model}</source>
        <translation>完成。你的模型：{model}</translation>
    </message>
    <message>
        <source>The job ended as {status}: {why}</source>
        <translation>任务结束，状态为 {status}：{why}</translation>
    </message>
    <message>
        <source>{name} is uploaded as {upload} ({what}).</source>
        <translation>{name} 将以 {upload} 上传（{what}）。</translation>
    </message>
    <message>
        <source>{n} examples, {tokens} tokens; training {model} for {epochs} epochs bills about {billed} tokens, {price} (prices as of {date}; an estimate).</source>
        <translation>{n} 条样本，{tokens} 个 token；用 {model} 训练 {epochs} 轮，约计费 {billed} 个 token，{price}（按 {date} 的价格估算）。</translation>
    </message>
    <message>
        <source>{n} examples, {tokens} tokens; training {model} for {epochs} epochs on this computer takes {time} (an estimate). Nothing is billed.</source>
        <translation>{n} 个示例，{tokens} 个 token；在本机上训练 {model} {epochs} 轮需要 {time}（估计值）。不会计费。</translation>
    </message>
    <message>
        <source>an unknown time</source>
        <translation>未知时长</translation>
    </message>
    <message>
        <source>The new model will be called {name}.</source>
        <translation>新模型将命名为 {name}。</translation>
    </message>
    <message>
        <source>Start training? [y/N] </source>
        <translation>开始训练吗？[y/N] </translation>
    </message>
    <message>
        <source>Nothing was started.</source>
        <translation>没有启动任何任务。</translation>
    </message>
    <message>
        <source>Started job {id}.</source>
        <translation>已启动任务 {id}。</translation>
    </message>
    <message>
        <source>write a label as key=value</source>
        <translation>标签请写成 key=value</translation>
    </message>
    <message>
        <source>[{done}/{total}] {id}</source>
        <translation>[{done}/{total}] {id}</translation>
    </message>
    <message>
        <source>Saved everything; the index is {path}.</source>
        <translation>全部保存完毕，索引文件为 {path}。</translation>
    </message>
    <message>
        <source>check, upload and fine-tune a training file</source>
        <translation>检查、上传训练文件并开始微调</translation>
    </message>
    <message>
        <source>base model, or one of your ft: models to continue</source>
        <translation>基础模型，或你自己的 ft: 模型（继续训练）</translation>
    </message>
    <message>
        <source>added to the fine-tuned model&apos;s name</source>
        <translation>添加到微调后模型名称中的后缀</translation>
    </message>
    <message>
        <source>validation file</source>
        <translation>验证集文件</translation>
    </message>
    <message>
        <source>DPO beta</source>
        <translation>DPO beta</translation>
    </message>
    <message>
        <source>a label kept with the job (repeatable)</source>
        <translation>随任务保存的标签（可重复）</translation>
    </message>
    <message>
        <source>Retraining job {id} ({model}) on profile “{profile}”.</source>
        <translation>正在配置“{profile}”上重新训练任务 {id}（{model}）。</translation>
    </message>
    <message>
        <source>Base model: {model} ({why}).</source>
        <translation>基础模型：{model}（{why}）。</translation>
    </message>
    <message>
        <source>Other base models there (choose one with --model): {models}</source>
        <translation>那里的其他基础模型（用 --model 选择）：{models}</translation>
    </message>
    <message>
        <source>Files: {files} (from {folder})</source>
        <translation>文件：{files}（来自 {folder}）</translation>
    </message>
    <message>
        <source>Hyperparameters: epochs {epochs}, batch size {batch}, learning-rate multiplier {lr}{beta}</source>
        <translation>超参数：训练轮数 {epochs}，批大小 {batch}，学习率倍数 {lr}{beta}</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Left out: {what}</source>
        <translation>未带上：{what}</translation>
    </message>
    <message>
        <source>Start training there? [y/N] </source>
        <translation>在那里开始训练吗？[y/N] </translation>
    </message>
    <message>
        <source>Started job {id} on “{profile}”, linked to {old}.</source>
        <translation>已在“{profile}”上开始任务 {id}，并关联到 {old}。</translation>
    </message>
    <message>
        <source>Old model: {old}
New model: {new}</source>
        <translation>旧模型：{old}
新模型：{new}</translation>
    </message>
    <message>
        <source>Compare them on the same questions while the old one still answers: main.py validate {new} VALIDATION_FILE --profile “{target}” --compare {old} --compare-profile “{source}” -o compare.csv</source>
        <translation>趁旧模型还能回答，用相同的问题比较它们：main.py validate {new} 验证文件 --profile “{target}” --compare {old} --compare-profile “{source}” -o compare.csv</translation>
    </message>
    <message>
        <source>retrain a job or fine-tuned model on another profile</source>
        <translation>在另一个配置上重新训练某个任务或微调模型</translation>
    </message>
    <message>
        <source>a job id or a fine-tuned model name</source>
        <translation>任务 ID 或微调模型名称</translation>
    </message>
    <message>
        <source>the profile to train on (name or id)</source>
        <translation>要在其上训练的配置（名称或 ID）</translation>
    </message>
    <message>
        <source>the profile the job is on (same as --profile)</source>
        <translation>任务所在的配置（同 --profile）</translation>
    </message>
    <message>
        <source>the target&apos;s base model (default: the closest one it offers)</source>
        <translation>目标的基础模型（默认：它提供的最接近的模型）</translation>
    </message>
    <message>
        <source>take the job and its files from a folder `export` wrote</source>
        <translation>从 `export` 写出的文件夹中读取任务及其文件</translation>
    </message>
    <message>
        <source>start without asking</source>
        <translation>不再询问，直接开始</translation>
    </message>
    <message>
        <source>return once the job is created</source>
        <translation>任务创建后立即返回，不跟踪进度</translation>
    </message>
    <message>
        <source>The job has no checkpoints.</source>
        <translation>该任务没有检查点。</translation>
    </message>
    <message>
        <source>step {step}</source>
        <translation>第 {step} 步</translation>
    </message>
    <message>
        <source>list, show, follow and control fine-tuning jobs</source>
        <translation>列出、查看、跟踪和控制微调任务</translation>
    </message>
    <message>
        <source>jobs of the profile, newest first</source>
        <translation>当前配置下的任务，最新的在前</translation>
    </message>
    <message>
        <source>one job</source>
        <translation>查看一个任务</translation>
    </message>
    <message>
        <source>print a job&apos;s events until it ends</source>
        <translation>持续输出任务事件，直到任务结束</translation>
    </message>
    <message>
        <source>cancel a job</source>
        <translation>取消任务</translation>
    </message>
    <message>
        <source>pause a running job</source>
        <translation>暂停运行中的任务</translation>
    </message>
    <message>
        <source>resume a paused job</source>
        <translation>恢复已暂停的任务</translation>
    </message>
    <message>
        <source>the checkpoints a job kept, each usable like a model</source>
        <translation>任务保留的检查点，每个都可以像模型一样使用</translation>
    </message>
    <message>
        <source>save every job, its events, results and files into a folder</source>
        <translation>把所有任务及其事件、结果和文件保存到一个文件夹</translation>
    </message>
    <message>
        <source>Use up to 18 letters, digits, “-” or “_”, without spaces or dots.</source>
        <translation>最多 18 个字符，只能用字母、数字、“-”或“_”，不能有空格或点号。</translation>
    </message>
    <message>
        <source>Use up to 40 letters, digits, “-” or “_”, without spaces or dots.</source>
        <translation>最多 40 个字符，只能用字母、数字、“-”或“_”，不能有空格或点号。</translation>
    </message>
    <message>
        <source>The suffix “{suffix}” cannot be used.</source>
        <translation>后缀“{suffix}”不可用。</translation>
    </message>
    <message>
        <source>{name} is {size} MB; this provider takes training files of at most {limit} MB.</source>
        <translation>{name} 有 {size} MB，这家服务商的训练文件最大只能是 {limit} MB。</translation>
    </message>
    <message>
        <source>Remove examples you do not need, or drop duplicates and empty examples with the Dataset tab’s fixes.</source>
        <translation>请删掉不需要的样本，或用“数据集”页的修复功能删除重复和空白的样本。</translation>
    </message>
    <message>
        <source>This provider does not offer {what}.</source>
        <translation>这家服务商不支持{what}。</translation>
    </message>
    <message>
        <source>The button is disabled for this profile; use the provider&apos;s own console for it.</source>
        <translation>此配置下该按钮不可用，请到服务商自己的控制台操作。</translation>
    </message>
    <message>
        <source>pausing and resuming jobs</source>
        <translation>暂停和恢复任务</translation>
    </message>
    <message>
        <source>deleting models through its API</source>
        <translation>通过 API 删除模型</translation>
    </message>
    <message>
        <source>downloading base models</source>
        <translation>下载基础模型</translation>
    </message>
    <message>
        <source>exporting models</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>deploying models through its API</source>
        <translation>通过 API 部署模型</translation>
    </message>
    <message>
        <source>Use up to 64 letters, digits, “-” or “_”, without spaces.</source>
        <translation>最多 64 个字母、数字、“-”或“_”，不能有空格。</translation>
    </message>
    <message>
        <source>This provider does not let this account start fine-tuning jobs.</source>
        <translation>这个服务商不允许此账号创建微调任务。</translation>
    </message>
    <message>
        <source>The job could not be created: the connection failed.</source>
        <translation>无法创建任务：连接失败。</translation>
    </message>
    <message>
        <source>No job was started, so nothing is billed. Check the connection and try again.</source>
        <translation>没有启动任何任务，不会产生费用。请检查连接后重试。</translation>
    </message>
    <message>
        <source>The upload finished but the provider made no file of it.</source>
        <translation>上传完成了，但服务商没有生成对应的文件。</translation>
    </message>
    <message>
        <source>Try again; if it keeps happening, upload a smaller file.</source>
        <translation>请重试；如果一直这样，请上传较小的文件。</translation>
    </message>
    <message>
        <source>checking files</source>
        <translation>检查文件中</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>已成功</translation>
    </message>
    <message>
        <source>not deployed</source>
        <translation>未部署</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>deploying</source>
        <translation>部署中</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>being removed</source>
        <translation>正在删除</translation>
    </message>
    <message>
        <source>Deploy the model?</source>
        <translation>部署这个模型吗？</translation>
    </message>
    <message>
        <source>Deploy {model} so that it can answer? The provider bills a deployment while it exists, even when nobody uses it.</source>
        <translation>要部署 {model}，让它可以回答问题吗？部署存在期间，服务商会一直计费，即使没有人调用。</translation>
    </message>
    <message>
        <source>Remove the deployment in the Models tab when you no longer need it. Deploying takes a few minutes.</source>
        <translation>不再需要时，请在“模型”页删除部署。部署需要几分钟。</translation>
    </message>
    <message>
        <source>Remove the deployment?</source>
        <translation>删除部署吗？</translation>
    </message>
    <message>
        <source>Remove the deployment of {model}? It stops answering; the fine-tuned model is kept and can be deployed again.</source>
        <translation>删除 {model} 的部署吗？它会停止回答问题；微调好的模型会保留，之后可以重新部署。</translation>
    </message>
    <message>
        <source>{model} has no deployment.</source>
        <translation>{model} 没有部署。</translation>
    </message>
    <message>
        <source>Deploy it first; the Models tab shows which models are deployed.</source>
        <translation>请先部署；“模型”页会显示哪些模型已部署。</translation>
    </message>
    <message>
        <source>Deployment name</source>
        <translation>部署名称</translation>
    </message>
    <message>
        <source>Name of the deployment of {model}:</source>
        <translation>{model} 的部署名称：</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>cancelling</source>
        <translation>正在取消</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Fine-tuned model</source>
        <translation>微调后的模型</translation>
    </message>
    <message>
        <source>{kind} → JSONL</source>
        <translation>{kind} → JSONL</translation>
    </message>
    <message>
        <source>{encoding} → UTF-8</source>
        <translation>{encoding} → UTF-8</translation>
    </message>
    <message>
        <source>{what} {name} has {n} errors; fix them before training (the Dataset tab helps).</source>
        <translation>{what} {name} 有 {n} 个错误；请在训练前修正（可使用“数据集”标签页）。</translation>
    </message>
    <message>
        <source>The validation file</source>
        <translation>验证文件</translation>
    </message>
    <message>
        <source>The training file</source>
        <translation>训练文件</translation>
    </message>
    <message>
        <source>This account can no longer create fine-tuning jobs, so nothing was uploaded.</source>
        <translation>此账号已不能再创建微调任务，因此没有上传任何内容。</translation>
    </message>
    <message>
        <source>Export your jobs and files, then add a profile for another provider in Settings and train there.</source>
        <translation>请导出任务和文件，然后在“设置”中添加其他服务商的配置并在那里训练。</translation>
    </message>
    <message>
        <source>Choose a training file and a base model first.</source>
        <translation>请先选择训练文件和基础模型。</translation>
    </message>
    <message>
        <source>Checking {name}…</source>
        <translation>正在检查 {name}…</translation>
    </message>
    <message>
        <source>Uploading {name}…</source>
        <translation>正在上传 {name}…</translation>
    </message>
    <message>
        <source>The time is an estimate for this computer. The new model will be called {name}.</source>
        <translation>该时长是针对本机的估计值。新模型将命名为 {name}。</translation>
    </message>
    <message>
        <source>Train {model} on {n} examples for {epochs} epochs on this computer: about {tokens} tokens, {time}. Nothing is billed.</source>
        <translation>在本机上用 {n} 个示例训练 {model} {epochs} 轮：约 {tokens} 个 token，{time}。不会计费。</translation>
    </message>
    <message>
        <source>time unknown</source>
        <translation>时长未知</translation>
    </message>
    <message>
        <source>an unknown amount (no price for this model)</source>
        <translation>金额未知（没有这个模型的价格）</translation>
    </message>
    <message>
        <source>Start training?</source>
        <translation>开始训练吗？</translation>
    </message>
    <message>
        <source>Train {model} on {n} examples for {epochs} epochs: about {billed} billed tokens, {price}.</source>
        <translation>用 {n} 条样本训练 {model} {epochs} 轮：约计费 {billed} 个 token，{price}。</translation>
    </message>
    <message>
        <source>Prices as of {date}; this is an estimate. The new model will be called {name}.</source>
        <translation>价格截至 {date}，仅为估算。新模型将命名为 {name}。</translation>
    </message>
    <message>
        <source>Starting the job…</source>
        <translation>正在启动任务…</translation>
    </message>
    <message>
        <source>The export stopped: {name} would be saved outside {folder}.</source>
        <translation>导出已停止：{name} 将被保存到 {folder} 之外。</translation>
    </message>
    <message>
        <source>A link inside the folder points somewhere else. Choose an empty folder.</source>
        <translation>文件夹中有链接指向了别处。请选择一个空文件夹。</translation>
    </message>
    <message>
        <source># Fine-tuning jobs exported {date}</source>
        <translation># 导出的微调任务（{date}）</translation>
    </message>
    <message>
        <source>## Uploaded files no job used</source>
        <translation>## 没有任务用过的已上传文件</translation>
    </message>
    <message>
        <source>The answer was cut off: the connection dropped.</source>
        <translation>回答被中断了：连接断开。</translation>
    </message>
    <message>
        <source>What arrived is kept. Try again; if it keeps happening, switch streaming off in the console.</source>
        <translation>已收到的内容会保留。请重试；如果一直这样，请在试用页关闭“流式输出”。</translation>
    </message>
    <message>
        <source>What arrived is kept. Ask for a shorter answer (max tokens), or check the base URL if the server keeps sending.</source>
        <translation>已收到的内容会保留。请要求更短的回答（最大 token 数）；若服务器一直发送，请检查 Base URL。</translation>
    </message>
    <message>
        <source>The answer was stopped after {count} characters: the server kept sending.</source>
        <translation>回答在 {count} 个字符后被停止：服务器一直在发送。</translation>
    </message>
    <message>
        <source>The answer was stopped after {minutes} minutes: the server kept sending.</source>
        <translation>回答在 {minutes} 分钟后被停止：服务器一直在发送。</translation>
    </message>
    <message>
        <source>The answer was stopped after {size} MB: the server kept sending.</source>
        <translation>回答在 {size} MB 后被停止：服务器一直在发送。</translation>
    </message>
    <message>
        <source>{seconds:.1f} s, {prompt} prompt + {completion} answer tokens</source>
        <translation>{seconds:.1f} 秒，提问 {prompt} 个 token + 回答 {completion} 个 token</translation>
    </message>
    <message>
        <source>Delete {model}? This cannot be undone. [y/N] </source>
        <translation>删除 {model} 吗？删除后无法恢复。[y/N] </translation>
    </message>
    <message>
        <source>No uploaded files.</source>
        <translation>没有已上传的文件。</translation>
    </message>
    <message>
        <source>no job</source>
        <translation>无任务</translation>
    </message>
    <message>
        <source>used by: {jobs}</source>
        <translation>使用者：{jobs}</translation>
    </message>
    <message>
        <source>Saved {id} as {path}.</source>
        <translation>已将 {id} 保存为 {path}。</translation>
    </message>
    <message>
        <source>Delete {n} files from the provider? Jobs that used them keep their results. [y/N] </source>
        <translation>从服务商处删除 {n} 个文件吗？用过它们的任务会保留结果。[y/N] </translation>
    </message>
    <message>
        <source>{id} was used by: {jobs}</source>
        <translation>{id} 被这些任务用过：{jobs}</translation>
    </message>
    <message>
        <source>Nothing was deleted.</source>
        <translation>没有删除任何内容。</translation>
    </message>
    <message>
        <source>Deleted {id}.</source>
        <translation>已删除 {id}。</translation>
    </message>
    <message>
        <source>list, download and delete the files uploaded for training</source>
        <translation>列出、下载和删除为训练上传的文件</translation>
    </message>
    <message>
        <source>the files of the profile, with purpose, size, date and the jobs that used them</source>
        <translation>该配置的文件，附用途、大小、日期以及用过它们的任务</translation>
    </message>
    <message>
        <source>save a file as PATH, or files into a folder (under safe names); nothing that exists is replaced</source>
        <translation>把文件保存为 PATH，或把多个文件保存到文件夹（使用安全的文件名）；不会替换已存在的文件</translation>
    </message>
    <message>
        <source>the file to write, or the folder to save into: one that exists, or a name without extension (default: the current folder)</source>
        <translation>要写入的文件，或要保存到的文件夹：已存在的文件夹，或不带扩展名的名称（默认：当前文件夹）</translation>
    </message>
    <message>
        <source>delete files from the provider</source>
        <translation>从服务商处删除文件</translation>
    </message>
    <message>
        <source>Deleted {model}.</source>
        <translation>已删除 {model}。</translation>
    </message>
    <message>
        <source>From the model&apos;s training data: separator “{separator}”, stop “{stop}”.</source>
        <translation>取自模型的训练数据：分隔符“{separator}”，停止序列“{stop}”。</translation>
    </message>
    <message>
        <source>ask a model; the answer streams to the terminal</source>
        <translation>向模型提问，回答会实时输出到终端</translation>
    </message>
    <message>
        <source>the question (default: read from standard input)</source>
        <translation>问题（默认从标准输入读取）</translation>
    </message>
    <message>
        <source>system message</source>
        <translation>system 消息</translation>
    </message>
    <message>
        <source>wait for the whole answer</source>
        <translation>等完整回答生成后再输出</translation>
    </message>
    <message>
        <source>where the answer ends (repeatable; \n is a line break). Legacy models: default from their training data</source>
        <translation>回答在哪里结束（可重复；\n 表示换行）。旧版模型：默认取自其训练数据</translation>
    </message>
    <message>
        <source>appended to the prompt of a legacy model (\n is a line break; default from its training data)</source>
        <translation>附加在旧版模型提示词后面（\n 表示换行；默认取自其训练数据）</translation>
    </message>
    <message>
        <source>Exporting {model} as {kind}…</source>
        <translation>正在将 {model} 导出为 {kind}…</translation>
    </message>
    <message>
        <source>Written into {folder}:</source>
        <translation>已写入 {folder}：</translation>
    </message>
    <message>
        <source>Import it into Ollama with: ollama create NAME -f Modelfile (in that folder).</source>
        <translation>在该文件夹中运行以下命令即可导入 Ollama：ollama create NAME -f Modelfile。</translation>
    </message>
    <message>
        <source>Nothing was deployed.</source>
        <translation>没有部署任何模型。</translation>
    </message>
    <message>
        <source>Deploying {model} as {name}.</source>
        <translation>正在把 {model} 部署为 {name}。</translation>
    </message>
    <message>
        <source>Nothing was removed.</source>
        <translation>没有删除任何内容。</translation>
    </message>
    <message>
        <source>The deployment was removed; it is no longer billed.</source>
        <translation>部署已删除，不再计费。</translation>
    </message>
    <message>
        <source>list, delete, deploy and undeploy models</source>
        <translation>列出、删除、部署和取消部署模型</translation>
    </message>
    <message>
        <source>models of the profile, yours first</source>
        <translation>当前配置下的模型，你自己的排在前面</translation>
    </message>
    <message>
        <source>only your fine-tuned models</source>
        <translation>只显示你微调的模型</translation>
    </message>
    <message>
        <source>delete one of your fine-tuned models</source>
        <translation>删除一个你微调的模型</translation>
    </message>
    <message>
        <source>make a fine-tuned model callable (billed while deployed)</source>
        <translation>让微调模型可以调用（部署期间计费）</translation>
    </message>
    <message>
        <source>deploy without asking</source>
        <translation>不询问直接部署</translation>
    </message>
    <message>
        <source>wait until the deployment can answer</source>
        <translation>等待部署可以回答</translation>
    </message>
    <message>
        <source>remove a model&apos;s deployment (the model is kept)</source>
        <translation>删除模型的部署（模型保留）</translation>
    </message>
    <message>
        <source>remove without asking</source>
        <translation>不询问直接删除</translation>
    </message>
    <message>
        <source>save a fine-tuned model&apos;s weights into a folder, to run it anywhere (this computer&apos;s models; providers that hand them over)</source>
        <translation>把微调模型的权重保存到文件夹，以便在任何地方运行（本机训练的模型，以及允许下载的服务商的模型）</translation>
    </message>
    <message>
        <source>adapter: the LoRA adapter; merged: a full model folder; gguf: for llama.cpp and Ollama (default: adapter)</source>
        <translation>adapter：LoRA 适配器；merged：完整的模型文件夹；gguf：用于 llama.cpp 和 Ollama（默认：adapter）</translation>
    </message>
    <message>
        <source>the folder to write into (a new folder is made inside it)</source>
        <translation>要写入的文件夹（会在其中新建一个文件夹）</translation>
    </message>
    <message>
        <source>delete without asking</source>
        <translation>不再询问，直接删除</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Suffix</source>
        <translation>后缀</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>部署</translation>
    </message>
    <message>
        <source>Shuts down</source>
        <translation>下线</translation>
    </message>
    <message>
        <source>Shuts down on {date}; models fine-tuned from it stop answering the same day.</source>
        <translation>将于 {date} 下线；基于它微调的模型同日停止回答。</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>期望回答</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>usage: </source>
        <translation>用法：</translation>
    </message>
    <message>
        <source>options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>positional arguments</source>
        <translation>位置参数</translation>
    </message>
    <message>
        <source>show this help message and exit</source>
        <translation>显示帮助信息并退出</translation>
    </message>
    <message>
        <source>show program&apos;s version number and exit</source>
        <translation>显示版本号并退出</translation>
    </message>
    <message>
        <source>the following arguments are required: %s</source>
        <translation>缺少必需的参数：%s</translation>
    </message>
    <message>
        <source>%(prog)s: error: %(message)s
</source>
        <translation>%(prog)s：错误：%(message)s
</translation>
    </message>
    <message>
        <source>invalid choice: %(value)r (choose from %(choices)s)</source>
        <translation>无效的选项：%(value)r（可选：%(choices)s）</translation>
    </message>
    <message>
        <source>unrecognized arguments: %s</source>
        <translation>无法识别的参数：%s</translation>
    </message>
    <message>
        <source>invalid %(type)s value: %(value)r</source>
        <translation>无效的 %(type)s 值：%(value)r</translation>
    </message>
    <message>
        <source>argument %(argument_name)s: %(message)s</source>
        <translation>参数 %(argument_name)s：%(message)s</translation>
    </message>
    <message>
        <source>expected one argument</source>
        <translation>需要一个参数值</translation>
    </message>
    <message>
        <source>In the Azure AI Foundry portal (ai.azure.com): Fine-tuning → select the model → Deploy → enter a deployment name → Create. Wait until the deployment shows as succeeded, then enter its name here. A deployment is billed by the hour while it exists (Developer deployments are not, and end after a day). Steps: {url}</source>
        <translation>在 Azure AI Foundry 门户（ai.azure.com）中：微调 → 选择该模型 → 部署 → 填写部署名称 → 创建。等部署显示成功后，在这里填入部署名称。部署存在期间按小时计费（Developer 类型的部署不按小时计费，一天后自动结束）。详细步骤：{url}</translation>
    </message>
    <message>
        <source>This provider does not offer deleting models through its API.</source>
        <translation>这家服务商不支持通过 API 删除模型。</translation>
    </message>
    <message>
        <source>Delete it in the Azure AI Foundry portal (ai.azure.com): Models → Customized models → select it → Delete. Delete its deployments first; a model without deployments costs nothing to keep.</source>
        <translation>请在 Azure AI Foundry 门户（ai.azure.com）中删除：模型 → 自定义模型 → 选中它 → 删除。需要先删除它的部署；没有部署的模型保留着不收费。</translation>
    </message>
    <message>
        <source>Standard (training stays in the resource&apos;s region)</source>
        <translation>Standard（训练留在资源所在区域）</translation>
    </message>
    <message>
        <source>Global Standard (cheaper; may train in other regions)</source>
        <translation>Global Standard（更便宜，可能在其他区域训练）</translation>
    </message>
    <message>
        <source>Developer (cheapest; may be paused and resumed by Azure)</source>
        <translation>Developer（最便宜，Azure 可能会暂停后再继续）</translation>
    </message>
    <message>
        <source>Azure &amp;resource</source>
        <translation>Azure 资源(&amp;R)</translation>
    </message>
    <message>
        <source>e.g. my-openai-resource</source>
        <translation>例如 my-openai-resource</translation>
    </message>
    <message>
        <source>Azure OpenAI</source>
        <translation>Azure OpenAI</translation>
    </message>
    <message>
        <source>China (Beijing)</source>
        <translation>中国内地（北京）</translation>
    </message>
    <message>
        <source>International (Singapore)</source>
        <translation>国际（新加坡）</translation>
    </message>
    <message>
        <source>LoRA (efficient; pay-per-token deployment)</source>
        <translation>LoRA（高效微调，部署按 token 计费）</translation>
    </message>
    <message>
        <source>Full fine-tuning (deployment billed by the hour)</source>
        <translation>全参数微调（部署按小时计费）</translation>
    </message>
    <message>
        <source>The key works: {count} jobs seen.</source>
        <translation>密钥有效：看到 {count} 个任务。</translation>
    </message>
    <message>
        <source>The provider did not accept {name}: {reason}</source>
        <translation>服务商没有接收 {name}：{reason}</translation>
    </message>
    <message>
        <source>Check the file&apos;s size and format.</source>
        <translation>请检查文件的大小和格式。</translation>
    </message>
    <message>
        <source>The provider gives no download address for file {id}.</source>
        <translation>服务商没有提供文件 {id} 的下载地址。</translation>
    </message>
    <message>
        <source>The deployment of {model} is not ready yet ({status}).</source>
        <translation>{model} 的部署还没有就绪（{status}）。</translation>
    </message>
    <message>
        <source>Deploying takes a few minutes; try again when the Models tab shows it as ready.</source>
        <translation>部署需要几分钟，等“模型”页显示可用后再试。</translation>
    </message>
    <message>
        <source>Alibaba Cloud Bailian (百炼)</source>
        <translation>阿里云百炼</translation>
    </message>
    <message>
        <source>Bailian</source>
        <translation>百炼</translation>
    </message>
    <message>
        <source>Re&amp;gion</source>
        <translation>地域(&amp;G)</translation>
    </message>
    <message>
        <source>The model could not be deleted.</source>
        <translation>无法删除这个模型。</translation>
    </message>
    <message>
        <source>Try again later.</source>
        <translation>请稍后再试。</translation>
    </message>
    <message>
        <source>Zhipu BigModel (智谱)</source>
        <translation>智谱 BigModel 开放平台</translation>
    </message>
    <message>
        <source>Zhipu</source>
        <translation>智谱</translation>
    </message>
    <message>
        <source>{model} answers only once it is deployed in the provider&apos;s portal.</source>
        <translation>{model} 需要先在服务商的门户中部署，才能回答问题。</translation>
    </message>
    <message>
        <source>Enter deployment name…</source>
        <translation>填写部署名称…</translation>
    </message>
    <message>
        <source>{model} answers only once it is deployed.</source>
        <translation>{model} 需要先部署，才能回答问题。</translation>
    </message>
    <message>
        <source>A deployment is billed while it exists; remove it in the Models tab when you no longer need it.</source>
        <translation>部署存在期间会一直计费；不再需要时，请在“模型”页删除部署。</translation>
    </message>
    <message>
        <source>Deploy…</source>
        <translation>部署…</translation>
    </message>
    <message>
        <source>Deploying {model}… ask again once the deployment is ready (the Models tab shows it).</source>
        <translation>正在部署 {model}……部署就绪后再提问（可以在“模型”页查看状态）。</translation>
    </message>
    <message>
        <source>from {base} · job {job}</source>
        <translation>基于 {base} · 任务 {job}</translation>
    </message>
    <message>
        <source>ShareGPT (DPO)</source>
        <translation>ShareGPT（DPO）</translation>
    </message>
    <message>
        <source>question/answer records</source>
        <translation>问答记录</translation>
    </message>
    <message>
        <source>LLaMA-Factory messages</source>
        <translation>LLaMA-Factory 消息</translation>
    </message>
    <message>
        <source>spreadsheet columns</source>
        <translation>表格列</translation>
    </message>
    <message>
        <source>“input” appended to the question in {n}</source>
        <translation>{n} 条的“input”已附加到问题后</translation>
    </message>
    <message>
        <source>earlier turns taken from “history” in {n}</source>
        <translation>{n} 条从“history”取得了之前的对话</translation>
    </message>
    <message>
        <source>function calls and tools converted in {n}</source>
        <translation>{n} 条转换了函数调用和工具</translation>
    </message>
    <message>
        <source>{source} → {format}, {n} rows</source>
        <translation>{source} → {format}，{n} 行</translation>
    </message>
    <message>
        <source>Training finished.</source>
        <translation>训练完成。</translation>
    </message>
    <message>
        <source>It could not be moved out of the way: fix or delete {path}.</source>
        <translation>无法把它移开：请修复或删除 {path}。</translation>
    </message>
    <message>
        <source>The damaged file was kept as {path}.</source>
        <translation>损坏的文件已保留为 {path}。</translation>
    </message>
    <message>
        <source>The settings file was damaged, so the app started with its default settings.</source>
        <translation>设置文件已损坏，应用已使用默认设置启动。</translation>
    </message>
    <message>
        <source>FineTune Studio cannot open its window: the system library {library} is missing (Qt needs it to show windows on X11).</source>
        <translation>微调工作室无法打开窗口：缺少系统库 {library}（Qt 在 X11 上显示窗口需要它）。</translation>
    </message>
    <message>
        <source>Install it, then start FineTune Studio again:</source>
        <translation>请安装它，然后重新启动微调工作室：</translation>
    </message>
    <message>
        <source>On a Wayland desktop you can instead start it with QT_QPA_PLATFORM=wayland.</source>
        <translation>在 Wayland 桌面上，也可以改用 QT_QPA_PLATFORM=wayland 启动。</translation>
    </message>
    <message>
        <source>Something unexpected went wrong: {error}</source>
        <translation>发生了意外错误：{error}</translation>
    </message>
    <message>
        <source>Nothing was lost. Try again; if it happens again, send the diagnostics (Help → Export diagnostics) to support.</source>
        <translation>没有丢失任何内容。请重试；如果再次出现，请把诊断信息（帮助 → 导出诊断信息）发给客服。</translation>
    </message>
    <message>
        <source>{name} would be saved outside {folder}.</source>
        <translation>{name} 将被保存到 {folder} 之外。</translation>
    </message>
    <message>
        <source>A link inside the folder points somewhere else. Choose another folder.</source>
        <translation>文件夹中有链接指向了别处。请选择另一个文件夹。</translation>
    </message>
    <message>
        <source>{path} already exists.</source>
        <translation>{path} 已存在。</translation>
    </message>
    <message>
        <source>Choose another folder, or move the file that is there.</source>
        <translation>请选择另一个文件夹，或移走那里的文件。</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>API 密钥(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Proxy</source>
        <translation>代理(&amp;P)</translation>
    </message>
    <message>
        <source>optional, e.g. http://127.0.0.1:7890 or socks5://host:1080</source>
        <translation>可不填，例如 http://127.0.0.1:7890 或 socks5://主机:1080</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>超时(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>Base URL(&amp;B)</translation>
    </message>
    <message>
        <source>Training t&amp;ype</source>
        <translation>训练类型(&amp;Y)</translation>
    </message>
    <message>
        <source>API key (hidden; empty for none): </source>
        <translation>API 密钥（输入时不显示；留空表示没有）：</translation>
    </message>
    <message>
        <source>{model}: {error}</source>
        <translation>{model}：{error}</translation>
    </message>
    <message>
        <source>{model}: {score:.0%} similar on average</source>
        <translation>{model}：平均相似度 {score:.0%}</translation>
    </message>
    <message>
        <source>--compare-profile needs --compare MODEL.</source>
        <translation>--compare-profile 需要同时给出 --compare 模型。</translation>
    </message>
    <message>
        <source>{name} has no examples that end with an expected answer.</source>
        <translation>{name} 中没有以预期回答结尾的样本。</translation>
    </message>
    <message>
        <source>A validation file holds chat examples whose last message is the assistant&apos;s answer, or prompt/completion rows.</source>
        <translation>验证文件应包含最后一条消息是助手回答的对话样本，或 prompt/completion 行。</translation>
    </message>
    <message>
        <source>Saved the results as {path}.</source>
        <translation>结果已保存为 {path}。</translation>
    </message>
    <message>
        <source>ask a model every question of a validation file and score its answers against the expected ones</source>
        <translation>用验证文件中的每个问题提问模型，并与预期回答比较打分</translation>
    </message>
    <message>
        <source>a validation file (JSONL, CSV or Excel)</source>
        <translation>验证文件（JSONL、CSV 或 Excel）</translation>
    </message>
    <message>
        <source>ask this model too (e.g. the base model)</source>
        <translation>同时提问这个模型（例如基础模型）</translation>
    </message>
    <message>
        <source>ask the compared model through this profile (e.g. the old OpenAI model beside its copy retrained elsewhere)</source>
        <translation>通过这个配置提问被比较的模型（例如旧的 OpenAI 模型，与它在别处重新训练的副本对比）</translation>
    </message>
    <message>
        <source>a random sample of this many examples</source>
        <translation>随机抽取这么多条样本</translation>
    </message>
    <message>
        <source>seed for --sample (default: 0)</source>
        <translation>--sample 的随机种子（默认：0）</translation>
    </message>
    <message>
        <source>save the results as CSV (opens in Excel)</source>
        <translation>把结果保存为 CSV（可用 Excel 打开）</translation>
    </message>
    <message>
        <source>January</source>
        <translation>1</translation>
    </message>
    <message>
        <source>February</source>
        <translation>2</translation>
    </message>
    <message>
        <source>March</source>
        <translation>3</translation>
    </message>
    <message>
        <source>April</source>
        <translation>4</translation>
    </message>
    <message>
        <source>May</source>
        <translation>5</translation>
    </message>
    <message>
        <source>June</source>
        <translation>6</translation>
    </message>
    <message>
        <source>July</source>
        <translation>7</translation>
    </message>
    <message>
        <source>August</source>
        <translation>8</translation>
    </message>
    <message>
        <source>September</source>
        <translation>9</translation>
    </message>
    <message>
        <source>October</source>
        <translation>10</translation>
    </message>
    <message>
        <source>November</source>
        <translation>11</translation>
    </message>
    <message>
        <source>December</source>
        <translation>12</translation>
    </message>
    <message>
        <source>{day} {month} {year}</source>
        <translation>{year}年{month}月{day}日</translation>
    </message>
    <message>
        <source>shut down</source>
        <translation>已下线</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>in {n} days</source>
        <translation>{n} 天后</translation>
    </message>
    <message>
        <source>tomorrow</source>
        <translation>明天</translation>
    </message>
    <message>
        <source>OpenAI stopped creating new fine-tuning jobs on {date}.</source>
        <translation>OpenAI 已于 {date} 停止创建新的微调任务。</translation>
    </message>
    <message>
        <source>New fine-tuning jobs can be created until {date} ({n} days).</source>
        <translation>新的微调任务可创建至 {date}（还剩 {n} 天）。</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Choose another name, or move the file that is there.</source>
        <translation>请换一个名字，或移走那里的文件。</translation>
    </message>
    <message>
        <source>an open 8-billion-parameter chat model: for most tuned tasks close to gpt-4o-mini</source>
        <translation>开源的 80 亿参数对话模型：对多数微调任务而言接近 gpt-4o-mini</translation>
    </message>
    <message>
        <source>an open 70-billion-parameter chat model, for work gpt-4o did</source>
        <translation>开源的 700 亿参数对话模型，适合原先由 gpt-4o 完成的工作</translation>
    </message>
    <message>
        <source>the same small GPT-4o model</source>
        <translation>同一个小型 GPT-4o 模型</translation>
    </message>
    <message>
        <source>OpenAI&apos;s next small general chat model</source>
        <translation>OpenAI 的下一代小型通用对话模型</translation>
    </message>
    <message>
        <source>Zhipu&apos;s smallest general chat model: like gpt-4o-mini, cheap and fast</source>
        <translation>智谱最小的通用对话模型：和 gpt-4o-mini 一样便宜、快速</translation>
    </message>
    <message>
        <source>Qwen&apos;s smallest general chat model: like gpt-4o-mini, cheap and fast</source>
        <translation>通义千问最小的通用对话模型：和 gpt-4o-mini 一样便宜、快速</translation>
    </message>
    <message>
        <source>OpenAI&apos;s smallest model</source>
        <translation>OpenAI 最小的模型</translation>
    </message>
    <message>
        <source>the same large GPT-4o model</source>
        <translation>同一个大型 GPT-4o 模型</translation>
    </message>
    <message>
        <source>OpenAI&apos;s next large general chat model</source>
        <translation>OpenAI 的下一代大型通用对话模型</translation>
    </message>
    <message>
        <source>Zhipu&apos;s larger general chat model, for work gpt-4o did</source>
        <translation>智谱较大的通用对话模型，适合原先由 gpt-4o 完成的工作</translation>
    </message>
    <message>
        <source>Qwen&apos;s larger general chat model, for work gpt-4o did</source>
        <translation>通义千问较大的通用对话模型，适合原先由 gpt-4o 完成的工作</translation>
    </message>
    <message>
        <source>Qwen&apos;s largest tunable chat model</source>
        <translation>通义千问可微调的最大对话模型</translation>
    </message>
    <message>
        <source>the largest open model in this computer&apos;s list</source>
        <translation>本机模型列表中最大的开源模型</translation>
    </message>
    <message>
        <source>The target profile offers no base model to train.</source>
        <translation>目标配置没有可训练的基础模型。</translation>
    </message>
    <message>
        <source>Choose another profile, or type the model&apos;s name.</source>
        <translation>请选择另一个配置，或输入模型名称。</translation>
    </message>
    <message>
        <source>the same model is offered there</source>
        <translation>那里提供同一个模型</translation>
    </message>
    <message>
        <source>no model like it is offered there: the first one it offers</source>
        <translation>那里没有类似的模型：使用它提供的第一个</translation>
    </message>
    <message>
        <source>your choice</source>
        <translation>你的选择</translation>
    </message>
    <message>
        <source>No job or fine-tuned model “{name}” was found.</source>
        <translation>没有找到任务或微调模型“{name}”。</translation>
    </message>
    <message>
        <source>Give a job id or a fine-tuned model name from this profile.</source>
        <translation>请给出此配置中的任务 ID 或微调模型名称。</translation>
    </message>
    <message>
        <source>{name} is not in the export folder {folder}.</source>
        <translation>导出文件夹 {folder} 中没有 {name}。</translation>
    </message>
    <message>
        <source>Give a job id or a fine-tuned model name listed in its index.json.</source>
        <translation>请给出其 index.json 中列出的任务 ID 或微调模型名称。</translation>
    </message>
    <message>
        <source>{folder} is not a folder the export wrote.</source>
        <translation>{folder} 不是导出功能写出的文件夹。</translation>
    </message>
    <message>
        <source>Choose the folder that holds index.json.</source>
        <translation>请选择包含 index.json 的文件夹。</translation>
    </message>
    <message>
        <source>The export folder has no training file for {id}.</source>
        <translation>导出文件夹中没有 {id} 的训练文件。</translation>
    </message>
    <message>
        <source>The provider no longer had it when the export ran.</source>
        <translation>导出时服务商已没有这个文件。</translation>
    </message>
    <message>
        <source>The provider no longer gives the file {id} of job {job}.</source>
        <translation>服务商已不再提供任务 {job} 的文件 {id}。</translation>
    </message>
    <message>
        <source>Retrain from a folder `export` saved, if you kept one.</source>
        <translation>如果保留了 `export` 保存的文件夹，请从那里重新训练。</translation>
    </message>
    <message>
        <source>Job {id} names no training file.</source>
        <translation>任务 {id} 没有指明训练文件。</translation>
    </message>
    <message>
        <source>Job {id} trained with DPO, which the target profile does not offer.</source>
        <translation>任务 {id} 使用 DPO 训练，而目标配置不提供 DPO。</translation>
    </message>
    <message>
        <source>Choose a profile whose provider offers DPO.</source>
        <translation>请选择服务商提供 DPO 的配置。</translation>
    </message>
    <message>
        <source>Say where the job is: a source profile or an export folder.</source>
        <translation>请说明任务在哪里：来源配置或导出文件夹。</translation>
    </message>
    <message>
        <source>the validation file (the target does not take one)</source>
        <translation>验证文件（目标不接受验证文件）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Download…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <source>Save the file on this computer</source>
        <translation>将文件保存到这台电脑</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the file from the provider; jobs that used it keep their results</source>
        <translation>从服务商处删除该文件；用过它的任务保留其结果</translation>
    </message>
    <message>
        <source>Export all…</source>
        <translation>全部导出…</translation>
    </message>
    <message>
        <source>Save every job and every uploaded file into a folder</source>
        <translation>将所有任务和所有已上传文件保存到一个文件夹</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>No files yet. The files you upload for training appear here, with their purpose, size, date and the jobs that used them.</source>
        <translation>还没有文件。你为训练上传的文件会显示在这里，并附有用途、大小、日期以及用过它们的任务。</translation>
    </message>
    <message>
        <source>Go to Training</source>
        <translation>前往训练</translation>
    </message>
    <message>
        <source>Save the file as</source>
        <translation>文件另存为</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Saved {name} as {path}.</source>
        <translation>已将 {name} 保存为 {path}。</translation>
    </message>
    <message>
        <source>It was used by these jobs: {jobs}. They keep their results and models.</source>
        <translation>这些任务用过它：{jobs}。它们会保留结果和模型。</translation>
    </message>
    <message>
        <source>No job used it.</source>
        <translation>没有任务用过它。</translation>
    </message>
    <message>
        <source>Delete file</source>
        <translation>删除文件</translation>
    </message>
    <message>
        <source>Delete {name} ({id}) from the provider? This cannot be undone.</source>
        <translation>要从服务商处删除 {name}（{id}）吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Deleted {name}.</source>
        <translation>已删除 {name}。</translation>
    </message>
    <message>
        <source>Choose a folder for the export</source>
        <translation>选择导出文件夹</translation>
    </message>
    <message>
        <source>Exporting… %p%</source>
        <translation>正在导出… %p%</translation>
    </message>
    <message>
        <source>The export stopped. Export into the same folder again to go on where it stopped.</source>
        <translation>导出已停止。再次导出到同一文件夹即可从停下处继续。</translation>
    </message>
    <message>
        <source>Every job and file was saved to {folder}.</source>
        <translation>所有任务和文件已保存到 {folder}。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Uploaded</source>
        <translation>上传时间</translation>
    </message>
    <message>
        <source>Used by jobs</source>
        <translation>使用它的任务</translation>
    </message>
    <message>
        <source>File id</source>
        <translation>文件 ID</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source> on “{profile}”</source>
        <translation>，原在配置“{profile}”</translation>
    </message>
    <message>
        <source>Retrained from job {id}{model}{place}.</source>
        <translation>重新训练自任务 {id}{model}{place}。</translation>
    </message>
    <message>
        <source>about {n} seconds</source>
        <translation>约 {n} 秒</translation>
    </message>
    <message>
        <source>about {n} minutes</source>
        <translation>约 {n} 分钟</translation>
    </message>
    <message>
        <source>about {n} hours</source>
        <translation>约 {n} 小时</translation>
    </message>
    <message>
        <source>{model} is not in the list of models this computer can download.</source>
        <translation>{model} 不在本机可下载的模型列表中。</translation>
    </message>
    <message>
        <source>Choose one of: {names}; or pick a model folder already on disk.</source>
        <translation>请从以下模型中选择：{names}；或选择磁盘上已有的模型文件夹。</translation>
    </message>
    <message>
        <source>Unknown download source {source}.</source>
        <translation>未知的下载来源 {source}。</translation>
    </message>
    <message>
        <source>Choose ModelScope or Hugging Face.</source>
        <translation>请选择魔搭 ModelScope 或 Hugging Face。</translation>
    </message>
    <message>
        <source>The mirror address {address} is not a web address.</source>
        <translation>镜像地址 {address} 不是有效的网址。</translation>
    </message>
    <message>
        <source>Write it like {example}.</source>
        <translation>请写成类似 {example} 的形式。</translation>
    </message>
    <message>
        <source>The model hub listed a file outside the model&apos;s folder, so nothing was downloaded.</source>
        <translation>模型平台列出了一个位于模型文件夹之外的文件，因此未下载任何内容。</translation>
    </message>
    <message>
        <source>The hub or mirror is misbehaving; try the other source.</source>
        <translation>模型平台或镜像出现异常；请尝试另一个来源。</translation>
    </message>
    <message>
        <source>The model hub&apos;s list of files was not understood.</source>
        <translation>无法识别模型平台返回的文件列表。</translation>
    </message>
    <message>
        <source>Check the mirror address, or try the other source.</source>
        <translation>请检查镜像地址，或尝试另一个来源。</translation>
    </message>
    <message>
        <source>The model hub has no config.json for this model, so it is not a model folder.</source>
        <translation>模型平台上没有此模型的 config.json，因此它不是一个模型文件夹。</translation>
    </message>
    <message>
        <source>Try the other source.</source>
        <translation>请尝试另一个来源。</translation>
    </message>
    <message>
        <source>The Hugging Face hub asks you to accept this model&apos;s licence first ({status}).</source>
        <translation>Hugging Face 要求你先接受此模型的许可证（{status}）。</translation>
    </message>
    <message>
        <source>Accept it on the model&apos;s page while signed in and give an access token, or download it from ModelScope.</source>
        <translation>请登录后在模型页面上接受许可证，并提供访问令牌；或改从魔搭 ModelScope 下载。</translation>
    </message>
    <message>
        <source>The model hub does not offer this model at this address ({status}).</source>
        <translation>模型平台在此地址上没有提供此模型（{status}）。</translation>
    </message>
    <message>
        <source>The model hub answered with an error ({status}).</source>
        <translation>模型平台返回了错误（{status}）。</translation>
    </message>
    <message>
        <source>This is usually temporary: try again later (the download resumes), or try the other source.</source>
        <translation>这通常是暂时的：请稍后重试（下载会从中断处继续），或尝试另一个来源。</translation>
    </message>
    <message>
        <source>The download of {name} was interrupted.</source>
        <translation>{name} 的下载已中断。</translation>
    </message>
    <message>
        <source>the file list</source>
        <translation>文件列表</translation>
    </message>
    <message>
        <source>Check the internet connection and the proxy, then start it again: it resumes where it stopped.</source>
        <translation>请检查网络连接和代理，然后重新开始：下载会从中断处继续。</translation>
    </message>
    <message>
        <source>{name} arrived damaged (its checksum does not match), so it was deleted.</source>
        <translation>{name} 下载后已损坏（校验和不匹配），已将其删除。</translation>
    </message>
    <message>
        <source>Start the download again; if it keeps happening, try the other source or mirror.</source>
        <translation>请重新开始下载；如果问题反复出现，请尝试另一个来源或镜像。</translation>
    </message>
    <message>
        <source>The model hub resumed the download at the wrong place.</source>
        <translation>模型平台从错误的位置继续下载。</translation>
    </message>
    <message>
        <source>Start it again, or try the other source.</source>
        <translation>请重新开始，或尝试另一个来源。</translation>
    </message>
    <message>
        <source>The model hub sent more of {name} than it announced.</source>
        <translation>模型平台发送的 {name} 数据超出了其声明的大小。</translation>
    </message>
    <message>
        <source>Not enough disk space: the download needs about {need:,.1f} GB free; there are {have:,.1f} GB.</source>
        <translation>磁盘空间不足：下载需要约 {need:,.1f} GB 可用空间；当前只有 {have:,.1f} GB。</translation>
    </message>
    <message>
        <source>Free some space or choose another models folder, then start the download again.</source>
        <translation>请释放一些空间或选择其他模型文件夹，然后重新开始下载。</translation>
    </message>
    <message>
        <source>Line {line} of the training file is not valid JSON.</source>
        <translation>训练文件第 {line} 行不是有效的 JSON。</translation>
    </message>
    <message>
        <source>Line {line} of the training file is not a JSON object.</source>
        <translation>训练文件第 {line} 行不是 JSON 对象。</translation>
    </message>
    <message>
        <source>The training file has no rows.</source>
        <translation>训练文件中没有任何数据行。</translation>
    </message>
    <message>
        <source>A training row has no &quot;messages&quot; list.</source>
        <translation>有一行训练数据缺少 &quot;messages&quot; 列表。</translation>
    </message>
    <message>
        <source>{count} rows were longer than {cap} tokens and were cut to that length.</source>
        <translation>有 {count} 行超过了 {cap} 个 token，已截断到该长度。</translation>
    </message>
    <message>
        <source>{count} rows had no assistant answer to learn from and were left out.</source>
        <translation>有 {count} 行没有可供学习的助手回答，已被跳过。</translation>
    </message>
    <message>
        <source>No row of the training file has an assistant answer to learn from.</source>
        <translation>训练文件中没有任何一行包含可供学习的助手回答。</translation>
    </message>
    <message>
        <source>A preference row needs input.messages, preferred_output and non_preferred_output.</source>
        <translation>偏好数据行需要包含 input.messages、preferred_output 和 non_preferred_output。</translation>
    </message>
    <message>
        <source>This model cannot be exported as GGUF here ({what}).</source>
        <translation>无法在此将该模型导出为 GGUF（{what}）。</translation>
    </message>
    <message>
        <source>Export the merged model folder and convert it with llama.cpp&apos;s convert_hf_to_gguf.py.</source>
        <translation>请导出合并后的模型文件夹，再用 llama.cpp 的 convert_hf_to_gguf.py 进行转换。</translation>
    </message>
    <message>
        <source>The model did not fit in memory. Choose a smaller model, shorten the rows, lower the batch size, or train on the processor instead of the graphics card.</source>
        <translation>内存不足，放不下该模型。请选择更小的模型、缩短数据行、调小批大小，或改用处理器而不是显卡进行训练。</translation>
    </message>
    <message>
        <source>The disk is full. Free some space (checkpoints need room) and resume the job.</source>
        <translation>磁盘已满。请释放一些空间（检查点需要占用空间），然后继续该任务。</translation>
    </message>
    <message>
        <source>The graphics card&apos;s driver could not be used. Install or update the NVIDIA driver, or train on the processor.</source>
        <translation>无法使用显卡驱动。请安装或更新 NVIDIA 驱动，或改用处理器训练。</translation>
    </message>
    <message>
        <source>The local training engine is not installed. Install it with: pip install &quot;finetune-studio[local]&quot;</source>
        <translation>未安装本地训练引擎。请用以下命令安装：pip install &quot;finetune-studio[local]&quot;</translation>
    </message>
    <message>
        <source>Training stopped because of an unexpected error: {error}</source>
        <translation>训练因意外错误而停止：{error}</translation>
    </message>
    <message>
        <source>The export stopped because of an unexpected error: {error}</source>
        <translation>导出因意外错误而停止：{error}</translation>
    </message>
    <message>
        <source>Fits: needs about {need} GB of GPU memory; {name} has {have} GB.</source>
        <translation>装得下：需要约 {need} GB 显存；{name} 有 {have} GB。</translation>
    </message>
    <message>
        <source>Too large: needs about {need} GB of GPU memory; this computer has {have} GB. Choose a smaller model.</source>
        <translation>太大：需要约 {need} GB 显存；本机只有 {have} GB。请选择更小的模型。</translation>
    </message>
    <message>
        <source>Too large for training on the processor: this computer has no suitable graphics card, and without one only models up to about 1.5B parameters train in a reasonable time. Choose a smaller model or use a cloud provider.</source>
        <translation>太大，无法用处理器训练：本机没有合适的显卡，而没有显卡时，只有约 1.5B 参数以内的模型才能在合理的时间内训练完成。请选择更小的模型，或使用云端服务商。</translation>
    </message>
    <message>
        <source>Too large: training on the processor needs about {need} GB of memory; this computer has {have} GB.</source>
        <translation>太大：用处理器训练需要约 {need} GB 内存；本机只有 {have} GB。</translation>
    </message>
    <message>
        <source>Fits, but slowly: with no suitable graphics card it trains on the processor at roughly {speed:,.0f} tokens per second, so 100,000 training tokens take about {hours:,.1f} hours.</source>
        <translation>装得下，但较慢：没有合适的显卡，将用处理器训练，速度约为每秒 {speed:,.0f} 个 token，因此 100,000 个训练 token 约需 {hours:,.1f} 小时。</translation>
    </message>
    <message>
        <source>Not enough disk space: the download needs about {need} GB free; there are {have} GB. Free some space or choose another models folder.</source>
        <translation>磁盘空间不足：下载需要约 {need} GB 可用空间；当前只有 {have} GB。请释放一些空间或选择其他模型文件夹。</translation>
    </message>
    <message>
        <source>The local training server stopped as it started.</source>
        <translation>本地训练服务器刚启动就停止了。</translation>
    </message>
    <message>
        <source>The local training server did not start within {seconds} seconds.</source>
        <translation>本地训练服务器未能在 {seconds} 秒内启动。</translation>
    </message>
    <message>
        <source>Its last words: {line}</source>
        <translation>它最后的输出：{line}</translation>
    </message>
    <message>
        <source>It said nothing.</source>
        <translation>它没有任何输出。</translation>
    </message>
    <message>
        <source>The full output is in {path}.</source>
        <translation>完整输出见 {path}。</translation>
    </message>
    <message>
        <source>Another local server already uses this folder, at {url}.</source>
        <translation>另一个本地服务器已在使用此文件夹，地址为 {url}。</translation>
    </message>
    <message>
        <source>Use that server, or stop it first.</source>
        <translation>请使用该服务器，或先将其停止。</translation>
    </message>
    <message>
        <source>The key reaches no Fireworks account.</source>
        <translation>该密钥无法访问任何 Fireworks 账户。</translation>
    </message>
    <message>
        <source>Enter your account id (shown in Fireworks&apos; console) in the profile.</source>
        <translation>请在配置中填写你的账户 ID（可在 Fireworks 控制台中找到）。</translation>
    </message>
    <message>
        <source>&amp;Account ID</source>
        <translation>账户 ID(&amp;A)</translation>
    </message>
    <message>
        <source>optional: found from the key when left empty</source>
        <translation>可选：留空时根据密钥自动获取</translation>
    </message>
    <message>
        <source>Fireworks AI</source>
        <translation>Fireworks AI</translation>
    </message>
    <message>
        <source>Fireworks</source>
        <translation>Fireworks</translation>
    </message>
    <message>
        <source>Training on this computer needs PyTorch and the Hugging Face training libraries ({missing}), which the downloaded app does not include (a few GB). Install FineTune Studio with Python and run {command}; everything else works in this app.</source>
        <translation>在本机训练需要 PyTorch 和 Hugging Face 训练库（{missing}），下载版应用不包含它们（有好几 GB）。请用 Python 安装微调工作室并运行 {command}；其他功能在此应用中都可使用。</translation>
    </message>
    <message>
        <source>Training on this computer needs PyTorch and the Hugging Face training libraries ({missing}), which are not installed. Close the app, run {command} in the app&apos;s Python environment (about 1–3 GB), then open the app again.</source>
        <translation>在本机上训练需要 PyTorch 和 Hugging Face 训练库（{missing}），但它们尚未安装。请关闭应用，在应用的 Python 环境中运行 {command}（约 1–3 GB），然后重新打开应用。</translation>
    </message>
    <message>
        <source>The local server answers: {count} models on this computer.</source>
        <translation>本机服务器有响应：本机有 {count} 个模型。</translation>
    </message>
    <message>
        <source>The download of {model} failed.</source>
        <translation>{model} 下载失败。</translation>
    </message>
    <message>
        <source>The export of {model} failed.</source>
        <translation>{model} 导出失败。</translation>
    </message>
    <message>
        <source>Trains on: {gpus}</source>
        <translation>训练设备：{gpus}</translation>
    </message>
    <message>
        <source>Trains on the processor: {cores} cores, {memory} GB of memory</source>
        <translation>使用处理器训练：{cores} 核，{memory} GB 内存</translation>
    </message>
    <message>
        <source>This computer (本机)</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Trains an open model (such as Qwen or Llama) on this computer with LoRA: nothing leaves the computer, nothing is billed, and the model is yours to export. An NVIDIA GPU or Apple Silicon is fast; the processor alone suits only small models.</source>
        <translation>在本机上用 LoRA 训练开放模型（如 Qwen 或 Llama）：数据不会离开本机，不会计费，训练出的模型归你所有，可自由导出。有 NVIDIA 显卡或 Apple Silicon 时速度较快；只用处理器则仅适合小模型。</translation>
    </message>
    <message>
        <source>LoRA (serverless chat for supported models, billed per token)</source>
        <translation>LoRA（受支持的模型可无服务器对话，按 token 计费）</translation>
    </message>
    <message>
        <source>Full fine-tuning (chat on a dedicated endpoint, billed by the minute)</source>
        <translation>全量微调（在专用端点上对话，按分钟计费）</translation>
    </message>
    <message>
        <source>No fine-tuning job of this account made {model}.</source>
        <translation>{model} 并非由此账户的微调任务生成。</translation>
    </message>
    <message>
        <source>Only models made by your own jobs can be deleted or downloaded.</source>
        <translation>只有你自己的任务训练出的模型才能删除或下载。</translation>
    </message>
    <message>
        <source>Together gives its models as a LoRA adapter or a merged model, not as GGUF.</source>
        <translation>Together 只提供 LoRA 适配器或合并后的模型，不提供 GGUF。</translation>
    </message>
    <message>
        <source>Download the merged model and convert it with llama.cpp&apos;s convert_hf_to_gguf.py.</source>
        <translation>请下载合并后的模型，再用 llama.cpp 的 convert_hf_to_gguf.py 转换。</translation>
    </message>
    <message>
        <source>LoRA models of bases that Together serves serverless answer at once. Other fine-tuned models answer only on a dedicated endpoint, billed by the minute while it runs: create one in Together&apos;s console ({url}), then chat with the endpoint&apos;s model name.</source>
        <translation>如果 LoRA 模型的基础模型由 Together 以无服务器方式提供，则可立即回答。其他微调模型只能在专用端点上回答，端点运行期间按分钟计费：请在 Together 控制台（{url}）中创建端点，然后使用该端点的模型名称进行对话。</translation>
    </message>
    <message>
        <source>Together AI</source>
        <translation>Together AI</translation>
    </message>
    <message>
        <source>Together</source>
        <translation>Together</translation>
    </message>
    <message>
        <source>The LoRA adapter (small): loads with transformers + peft, vLLM (--enable-lora) and LLaMA-Factory, on top of the same base model.</source>
        <translation>LoRA 适配器（体积小）：可在同一基础模型之上，用 transformers + peft、vLLM（--enable-lora）和 LLaMA-Factory 加载。</translation>
    </message>
    <message>
        <source>A full model folder with the adapter merged in: loads with transformers and vLLM like any model, and converts for llama.cpp and LM Studio.</source>
        <translation>合并了适配器的完整模型文件夹：可像其他模型一样用 transformers 和 vLLM 加载，也可转换后用于 llama.cpp 和 LM Studio。</translation>
    </message>
    <message>
        <source>One GGUF file and a Modelfile: runs in llama.cpp, LM Studio and Ollama (ollama create NAME -f Modelfile).</source>
        <translation>一个 GGUF 文件和一个 Modelfile：可在 llama.cpp、LM Studio 和 Ollama 中运行（ollama create NAME -f Modelfile）。</translation>
    </message>
    <message>
        <source>{done} GB of {total} GB</source>
        <translation>{done} GB / {total} GB</translation>
    </message>
    <message>
        <source>{n} MB/s</source>
        <translation>{n} MB/s</translation>
    </message>
    <message>
        <source>about {n} min left</source>
        <translation>剩余约 {n} 分钟</translation>
    </message>
    <message>
        <source>{n} GB</source>
        <translation>{n} GB</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Memory to train</source>
        <translation>训练所需内存</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>本机上</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>fits</source>
        <translation>装得下</translation>
    </message>
    <message>
        <source>too big</source>
        <translation>太大</translation>
    </message>
    <message>
        <source>{name} could not be read: the file is damaged or not what its name says.</source>
        <translation>无法读取 {name}：文件已损坏，或与其扩展名不符。</translation>
    </message>
    <message>
        <source>Open it in its program and save it again, or paste its text instead.</source>
        <translation>请用原来的程序打开并重新保存，或者直接粘贴其中的文字。</translation>
    </message>
    <message>
        <source>{name} expands to more than {size} MB: it is not read.</source>
        <translation>{name} 解压后超过 {size} MB，未读取。</translation>
    </message>
    <message>
        <source>Paste the part of its text you need instead.</source>
        <translation>请改为粘贴你需要的那部分文字。</translation>
    </message>
    <message>
        <source>{name} is protected by a password.</source>
        <translation>{name} 受密码保护。</translation>
    </message>
    <message>
        <source>Open it with its password, save a copy without protection, and use that.</source>
        <translation>请输入密码打开它，另存一份不带保护的副本，再使用那份副本。</translation>
    </message>
    <message>
        <source>{name} is not a document (it is a folder, a device or a pipe).</source>
        <translation>{name} 不是文档（它是文件夹、设备或管道）。</translation>
    </message>
    <message>
        <source>Choose a .txt, .md, .docx or .pdf file.</source>
        <translation>请选择 .txt、.md、.docx 或 .pdf 文件。</translation>
    </message>
    <message>
        <source>{name} is not a document that can be read here.</source>
        <translation>这里无法读取 {name} 这种文档。</translation>
    </message>
    <message>
        <source>Choose a .txt, .md, .docx or .pdf file, or paste the text.</source>
        <translation>请选择 .txt、.md、.docx 或 .pdf 文件，或者粘贴文字。</translation>
    </message>
    <message>
        <source>{name} is larger than {size} MB.</source>
        <translation>{name} 大于 {size} MB。</translation>
    </message>
    <message>
        <source>Use a shorter document, or paste the part you need.</source>
        <translation>请使用较短的文档，或粘贴你需要的部分。</translation>
    </message>
    <message>
        <source>It may be a scanned document (pictures of pages): run it through text recognition (OCR) first, or paste the text.</source>
        <translation>它可能是扫描件（页面图片）：请先做文字识别（OCR），或直接粘贴文字。</translation>
    </message>
    <message>
        <source>Choose a document with text, or paste it.</source>
        <translation>请选择含有文字的文档，或粘贴文字。</translation>
    </message>
    <message>
        <source>{name} has no text to write questions from.</source>
        <translation>{name} 中没有可用来出题的文字。</translation>
    </message>
    <message>
        <source>{input} input + {output} output tokens</source>
        <translation>输入 {input} + 输出 {output} 个 token</translation>
    </message>
    <message>
        <source>{tokens} (nothing is billed)</source>
        <translation>{tokens}（不产生费用）</translation>
    </message>
    <message>
        <source>{tokens} (no price known for this model)</source>
        <translation>{tokens}（不知道该模型的价格）</translation>
    </message>
    <message>
        <source>{tokens}, about ${usd}</source>
        <translation>{tokens}，约 ${usd}</translation>
    </message>
    <message>
        <source>Writing questions…</source>
        <translation>正在写问题…</translation>
    </message>
    <message>
        <source>Writing answers…</source>
        <translation>正在写回答…</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Choose some example rows (chat rows with a question and an answer) or a document to grow the dataset from.</source>
        <translation>请选择一些样本行（含问题和回答的对话行）或一份文档，作为扩充数据集的依据。</translation>
    </message>
    <message>
        <source>The number of new rows must be between 1 and {max}.</source>
        <translation>新行数必须在 1 到 {max} 之间。</translation>
    </message>
    <message>
        <source>Choose the model that writes the new rows.</source>
        <translation>请选择用来写新行的模型。</translation>
    </message>
    <message>
        <source>{model} is a completion model: new rows are written by a chat model.</source>
        <translation>{model} 是补全模型：新行需要由对话模型来写。</translation>
    </message>
    <message>
        <source>Choose a chat model such as gpt-4.1 or gpt-4o-mini.</source>
        <translation>请选择对话模型，例如 gpt-4.1 或 gpt-4o-mini。</translation>
    </message>
    <message>
        <source>The provider withheld the answer (content filter).</source>
        <translation>服务商扣下了这个回答（内容过滤）。</translation>
    </message>
    <message>
        <source>The answer was cut off at the model&apos;s token limit.</source>
        <translation>回答在模型的 token 上限处被截断。</translation>
    </message>
    <message>
        <source>The model stopped at its token limit before writing an answer.</source>
        <translation>模型在写出回答之前就达到了 token 上限。</translation>
    </message>
    <message>
        <source>The model gave an empty answer.</source>
        <translation>模型给出了空回答。</translation>
    </message>
    <message>
        <source>No questions were written: {reason}</source>
        <translation>没有写出问题：{reason}</translation>
    </message>
    <message>
        <source>The model wrote no questions.</source>
        <translation>模型没有写出任何问题。</translation>
    </message>
    <message>
        <source>The model&apos;s reply was not a list of questions: “{start}”</source>
        <translation>模型的回复不是问题列表：“{start}”</translation>
    </message>
    <message>
        <source>Close to new row {n} ({percent}%)</source>
        <translation>与新行 {n} 相近（{percent}%）</translation>
    </message>
    <message>
        <source>Close to row {n} ({percent}%)</source>
        <translation>与第 {n} 行相近（{percent}%）</translation>
    </message>
    <message>
        <source>The release page did not answer in time.</source>
        <translation>发布页面没有及时响应。</translation>
    </message>
    <message>
        <source>The release page could not be reached.</source>
        <translation>无法连接到发布页面。</translation>
    </message>
    <message>
        <source>No release has been published yet.</source>
        <translation>尚未发布任何版本。</translation>
    </message>
    <message>
        <source>You have the newest version there is.</source>
        <translation>你使用的已是最新版本。</translation>
    </message>
    <message>
        <source>The release page is busy and asked the app to wait.</source>
        <translation>发布页面繁忙，要求应用稍后再试。</translation>
    </message>
    <message>
        <source>Try again in an hour.</source>
        <translation>请一小时后再试。</translation>
    </message>
    <message>
        <source>The release page answered with an error ({status}).</source>
        <translation>发布页面返回了错误（{status}）。</translation>
    </message>
    <message>
        <source>The release page answered with something the app does not understand.</source>
        <translation>发布页面返回了应用无法理解的内容。</translation>
    </message>
    <message>
        <source>The release page&apos;s answer is far larger than a release, so it was not read.</source>
        <translation>发布页面的回应远大于一个版本说明应有的大小，因此未读取。</translation>
    </message>
    <message>
        <source>Check your internet connection (and the HTTPS_PROXY variable if you use a proxy), or open {page} in a browser.</source>
        <translation>请检查网络连接（如使用代理，也请检查 HTTPS_PROXY 变量），或在浏览器中打开 {page}。</translation>
    </message>
    <message>
        <source>Give a training file whose rows are the examples, a document (--from-document), or both.</source>
        <translation>请给出一个以其行为样本的训练文件、一份文档（--from-document），或两者都给。</translation>
    </message>
    <message>
        <source>The review file must not be the training file.</source>
        <translation>审阅文件不能是训练文件本身。</translation>
    </message>
    <message>
        <source>Choose another name with -o; add the rows you accept to the training file afterwards.</source>
        <translation>请用 -o 指定另一个文件名；之后再把你接受的行加入训练文件。</translation>
    </message>
    <message>
        <source>{stage} {made} of {wanted} rows; so far {cost}</source>
        <translation>{stage}已完成 {made}/{wanted} 行；目前 {cost}</translation>
    </message>
    <message>
        <source>Row {n}: {error}</source>
        <translation>第 {n} 行：{error}</translation>
    </message>
    <message>
        <source>Only {made} of {wanted} rows were made: the model wrote no more new questions. Add more varied examples, or say what to ask about with --instructions.</source>
        <translation>只生成了 {made}/{wanted} 行：模型写不出更多新问题了。请添加更多样的样本，或用 --instructions 说明要问什么。</translation>
    </message>
    <message>
        <source>Spent: {cost}</source>
        <translation>花费：{cost}</translation>
    </message>
    <message>
        <source>Wrote {n} rows to {path} for review: {failed} with errors, {close} close to other rows.</source>
        <translation>已将 {n} 行写入 {path} 供审阅：{failed} 行有错误，{close} 行与其他行相近。</translation>
    </message>
    <message>
        <source>The file already has {n} rows: there is nothing to add for --to {to}.</source>
        <translation>文件已有 {n} 行：按 --to {to} 无需再添加。</translation>
    </message>
    <message>
        <source>Estimated cost for {n} new rows: {cost} (an estimate)</source>
        <translation>{n} 条新行的预计费用：{cost}（估算）</translation>
    </message>
    <message>
        <source>Stopped: the {n} rows written so far are kept in {path}.</source>
        <translation>已停止：目前已写的 {n} 行保存在 {path}。</translation>
    </message>
    <message>
        <source>write new rows with a model, from examples or a document, into a file to review</source>
        <translation>用模型根据样本或文档写出新行，存入待审阅的文件</translation>
    </message>
    <message>
        <source>training file whose chat rows are the examples (optional with --from-document)</source>
        <translation>以其对话行作为样本的训练文件（使用 --from-document 时可省略）</translation>
    </message>
    <message>
        <source>the review file to write (JSONL; each row marked generated)</source>
        <translation>要写入的审阅文件（JSONL；每行都标记为生成）</translation>
    </message>
    <message>
        <source>how many rows there should be in all: N minus the rows of FILE are made</source>
        <translation>总共要有多少行：会生成 N 减去 FILE 行数的新行</translation>
    </message>
    <message>
        <source>the chat model that writes the new rows</source>
        <translation>写新行的对话模型</translation>
    </message>
    <message>
        <source>what to ask for, e.g. “more questions about refunds”, “answers under 50 characters”, a language</source>
        <translation>要求，例如“多问一些退款问题”“回答不超过 50 个字”、某种语言</translation>
    </message>
    <message>
        <source>write questions and answers from this .txt, .md, .docx or .pdf</source>
        <translation>根据这个 .txt、.md、.docx 或 .pdf 写问题和回答</translation>
    </message>
    <message>
        <source>how freely the model writes, 0 to 2 (default: 1)</source>
        <translation>模型写作的自由度，0 到 2（默认 1）</translation>
    </message>
    <message>
        <source>{n} new rows from last time are waiting for your review below the table.</source>
        <translation>上次留下的 {n} 条新行在表格下方等待你审阅。</translation>
    </message>
    <message>
        <source>{n} new rows from {name} are waiting for your review below the table.</source>
        <translation>来自 {name} 的 {n} 条新行在表格下方等待你审阅。</translation>
    </message>
    <message>
        <source>{n} new rows are waiting for your review below the table.</source>
        <translation>{n} 条新行在表格下方等待你审阅。</translation>
    </message>
    <message>
        <source>{stage} {made} of {wanted} rows.</source>
        <translation>{stage}已完成 {made}/{wanted} 行。</translation>
    </message>
    <message>
        <source>So far: {cost}</source>
        <translation>目前：{cost}</translation>
    </message>
    <message>
        <source>Accept {n} new rows</source>
        <translation>接受 {n} 条新行</translation>
    </message>
    <message>
        <source>Reject {n} new rows</source>
        <translation>拒绝 {n} 条新行</translation>
    </message>
    <message>
        <source>Edit new row</source>
        <translation>编辑新行</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Generated from</source>
        <translation>生成自</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>{name} holds no chat rows to review.</source>
        <translation>{name} 中没有可审阅的对话行。</translation>
    </message>
    <message>
        <source>Choose a file written by Grow dataset or by the grow command.</source>
        <translation>请选择由“扩充数据集”或 grow 命令写出的文件。</translation>
    </message>
    <message>
        <source>Sandbox (practice, nothing is billed)</source>
        <translation>沙盒（练习用，不产生费用）</translation>
    </message>
</context>
<context>
    <name>AnswerPane</name>
    <message>
        <source>Choose a model</source>
        <translation>请选择模型</translation>
    </message>
    <message>
        <source>waiting for the first words…</source>
        <translation>正在等待回答…</translation>
    </message>
    <message>
        <source>answering…</source>
        <translation>正在回答…</translation>
    </message>
    <message>
        <source>{prompt} + {completion} tokens</source>
        <translation>{prompt} + {completion} 个 token</translation>
    </message>
    <message>
        <source>{seconds:.1f} s (first words after {first:.1f} s) · {tokens}</source>
        <translation>{seconds:.1f} 秒（{first:.1f} 秒后开始输出）· {tokens}</translation>
    </message>
</context>
<context>
    <name>ConnectionResults</name>
    <message>
        <source>What to do:</source>
        <translation>怎么办：</translation>
    </message>
</context>
<context>
    <name>DatasetTab</name>
    <message>
        <source>checking…</source>
        <translation>检查中…</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Search the examples (Ctrl+F)</source>
        <translation>搜索样本（Ctrl+F）</translation>
    </message>
    <message>
        <source>All roles</source>
        <translation>所有角色</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统（system）</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户（user）</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手（assistant）</translation>
    </message>
    <message>
        <source>Tool</source>
        <translation>工具（tool）</translation>
    </message>
    <message>
        <source>Search only in messages of this role</source>
        <translation>只在这个角色的消息中搜索</translation>
    </message>
    <message>
        <source>Only rows with problems</source>
        <translation>只看有问题的行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>New rows can be grown from chat examples only.</source>
        <translation>只能根据对话样本扩充新行。</translation>
    </message>
    <message>
        <source>Convert the file to chat first (Fix → Convert to chat).</source>
        <translation>请先把文件转换为对话格式（修正 → 转换为对话）。</translation>
    </message>
    <message>
        <source>Review new rows from a file</source>
        <translation>从文件审阅新行</translation>
    </message>
    <message>
        <source>Review files (*.jsonl)</source>
        <translation>审阅文件 (*.jsonl)</translation>
    </message>
    <message>
        <source>The clipboard holds no rows to paste.</source>
        <translation>剪贴板里没有可以粘贴的行。</translation>
    </message>
    <message>
        <source>Copy JSONL lines, or cells from Excel, then paste again.</source>
        <translation>请先复制 JSONL 文本或 Excel 单元格，再粘贴。</translation>
    </message>
    <message>
        <source>Edit row {n}</source>
        <translation>编辑第 {n} 行</translation>
    </message>
    <message>
        <source>{shown} of {total} rows shown</source>
        <translation>显示 {total} 行中的 {shown} 行</translation>
    </message>
</context>
<context>
    <name>EvaluationPanel</name>
    <message>
        <source>a validation file (JSONL, CSV or Excel)</source>
        <translation>验证文件（JSONL、CSV 或 Excel）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>all examples</source>
        <translation>全部样本</translation>
    </message>
    <message>
        <source> examples</source>
        <translation> 条样本</translation>
    </message>
    <message>
        <source>Try a random sample of this many examples</source>
        <translation>随机抽取这么多条样本测试</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Ask the chosen model (and the compared one) every question of the file</source>
        <translation>用所选模型（以及对比模型）回答文件中的每个问题</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Where the compared model answers: this profile, or another one (e.g. the old OpenAI model beside its copy retrained elsewhere)</source>
        <translation>被比较的模型在哪里回答：这个配置，或另一个配置（例如旧的 OpenAI 模型，与它在别处重新训练的副本对比）</translation>
    </message>
    <message>
        <source>compared model on this profile</source>
        <translation>被比较的模型在本配置上</translation>
    </message>
    <message>
        <source>compared model on “{name}”</source>
        <translation>被比较的模型在“{name}”上</translation>
    </message>
    <message>
        <source>Choose a validation file</source>
        <translation>选择验证文件</translation>
    </message>
    <message>
        <source>{model}: {score:.0%} similar on average</source>
        <translation>{model}：平均相似度 {score:.0%}</translation>
    </message>
    <message>
        <source>Export the results</source>
        <translation>导出结果</translation>
    </message>
</context>
<context>
    <name>ExportModelDialog</name>
    <message>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Write {model} into a folder, to run it anywhere.</source>
        <translation>将 {model} 写入文件夹，以便在任何地方运行。</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Into folder:</source>
        <translation>目标文件夹：</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>LoRA adapter</source>
        <translation>LoRA 适配器</translation>
    </message>
    <message>
        <source>Merged model</source>
        <translation>合并后的模型</translation>
    </message>
    <message>
        <source>GGUF for Ollama and llama.cpp</source>
        <translation>适用于 Ollama 和 llama.cpp 的 GGUF</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export into which folder?</source>
        <translation>导出到哪个文件夹？</translation>
    </message>
    <message>
        <source>Choose the folder to export into.</source>
        <translation>选择要导出到的文件夹。</translation>
    </message>
    <message>
        <source>Written into {folder}: {names}</source>
        <translation>已写入 {folder}：{names}</translation>
    </message>
</context>
<context>
    <name>GetModelDialog</name>
    <message>
        <source>Models for this computer</source>
        <translation>适用于本机的模型</translation>
    </message>
    <message>
        <source>Download from:</source>
        <translation>下载来源：</translation>
    </message>
    <message>
        <source>ModelScope (魔搭, fast in China)</source>
        <translation>ModelScope（魔搭，国内下载快）</translation>
    </message>
    <message>
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <source>mirror address (optional), e.g. https://hf-mirror.com</source>
        <translation>镜像地址（可选），例如 https://hf-mirror.com</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Remove from this computer…</source>
        <translation>从本机移除…</translation>
    </message>
    <message>
        <source>Use a model folder on disk…</source>
        <translation>使用磁盘上的模型文件夹…</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Choose a model to see whether it fits.</source>
        <translation>选择一个模型，查看本机是否装得下。</translation>
    </message>
    <message>
        <source>{model} is on this computer: choose “Use this model”.</source>
        <translation>{model} 已在本机上：请选择“使用此模型”。</translation>
    </message>
    <message>
        <source>Remove the model?</source>
        <translation>移除该模型？</translation>
    </message>
    <message>
        <source>Remove {model} from this computer? This frees {size}; models you trained from it stop working until it is downloaded again.</source>
        <translation>要从本机移除 {model} 吗？这将释放 {size}；基于它训练的模型将无法使用，直到重新下载它。</translation>
    </message>
    <message>
        <source>Choose a model folder (it holds config.json)</source>
        <translation>选择模型文件夹（其中包含 config.json）</translation>
    </message>
    <message>
        <source>{folder} is not a model folder: it has no config.json.</source>
        <translation>{folder} 不是模型文件夹：其中没有 config.json。</translation>
    </message>
    <message>
        <source>Choose the folder a model was downloaded or saved into.</source>
        <translation>选择模型下载或保存到的文件夹。</translation>
    </message>
</context>
<context>
    <name>GrowDialog</name>
    <message>
        <source>Grow dataset</source>
        <translation>扩充数据集</translation>
    </message>
    <message>
        <source>The {n} selected rows</source>
        <translation>所选的 {n} 行</translation>
    </message>
    <message>
        <source>The whole file ({n} rows)</source>
        <translation>整个文件（{n} 行）</translation>
    </message>
    <message>
        <source>A document (questions and answers from its text)</source>
        <translation>一份文档（根据其文字出问题和回答）</translation>
    </message>
    <message>
        <source>Open a document…</source>
        <translation>打开文档…</translation>
    </message>
    <message>
        <source>…or paste the text here (an FAQ page, a policy, a manual).</source>
        <translation>…或在这里粘贴文字（常见问题页、政策、说明书）。</translation>
    </message>
    <message>
        <source>Grow from:</source>
        <translation>扩充依据：</translation>
    </message>
    <message>
        <source>Grow the file to:</source>
        <translation>把文件扩充到：</translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation>配置：</translation>
    </message>
    <message>
        <source>Model that writes:</source>
        <translation>写作模型：</translation>
    </message>
    <message>
        <source>Instructions:</source>
        <translation>要求：</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <source> rows</source>
        <translation> 行</translation>
    </message>
    <message>
        <source>Optional, e.g. “more questions about refunds”, “answers under 50 characters”, “in Simplified Chinese”.</source>
        <translation>可选，例如“多问一些退款问题”“回答不超过 50 个字”“用简体中文”。</translation>
    </message>
    <message>
        <source>Higher writes more varied questions; lower stays closer to the examples.</source>
        <translation>越高问题越多样；越低越贴近样本。</translation>
    </message>
    <message>
        <source>Grow</source>
        <translation>扩充</translation>
    </message>
    <message>
        <source>The file already has {n} rows: choose a larger number.</source>
        <translation>文件已有 {n} 行：请选择更大的数字。</translation>
    </message>
    <message>
        <source>Choose the model that writes the new rows.</source>
        <translation>请选择用来写新行的模型。</translation>
    </message>
    <message>
        <source>Open or paste a document to grow from.</source>
        <translation>请打开或粘贴一份文档作为扩充依据。</translation>
    </message>
    <message>
        <source>{n} new rows, to review before they join the file. Estimated cost: {cost}.</source>
        <translation>{n} 条新行，审阅后才会加入文件。预计费用：{cost}。</translation>
    </message>
    <message>
        <source>Open a document</source>
        <translation>打开文档</translation>
    </message>
    <message>
        <source>Documents ({patterns})</source>
        <translation>文档（{patterns}）</translation>
    </message>
    <message>
        <source>pasted text</source>
        <translation>粘贴的文字</translation>
    </message>
    <message>
        <source>{name}: {n} passages</source>
        <translation>{name}：{n} 个段落</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Welcome guide</source>
        <translation>欢迎向导(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;User guide</source>
        <translation>使用指南(&amp;U)</translation>
    </message>
    <message>
        <source>Export &amp;diagnostics…</source>
        <translation>导出诊断信息(&amp;D)…</translation>
    </message>
    <message>
        <source>Save logs and settings for support, without any key</source>
        <translation>保存日志和设置以便寻求帮助，不含任何密钥</translation>
    </message>
    <message>
        <source>&amp;Reset the app…</source>
        <translation>重置应用(&amp;R)…</translation>
    </message>
    <message>
        <source>Open the &amp;log folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About FineTune Studio</source>
        <translation>关于微调工作室(&amp;A)</translation>
    </message>
    <message>
        <source>Save diagnostics</source>
        <translation>保存诊断信息</translation>
    </message>
    <message>
        <source>Diagnostics saved to {path} (no keys inside).</source>
        <translation>诊断信息已保存到 {path}（不含密钥）。</translation>
    </message>
    <message>
        <source>About FineTune Studio</source>
        <translation>关于微调工作室</translation>
    </message>
    <message>
        <source>{app} {version}
Fine-tune OpenAI-compatible models without a terminal.</source>
        <translation>{app} {version}
无需命令行，即可微调兼容 OpenAI 的模型。</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Your fine-tuning at a glance</source>
        <translation>微调一览</translation>
    </message>
    <message>
        <source>Start here</source>
        <translation>从这里开始</translation>
    </message>
    <message>
        <source>New to fine-tuning? Practise the whole way for free in the Sandbox: a demo project trains in under a minute on this computer and nothing is billed. Or open your own examples, or connect an account.</source>
        <translation>第一次微调？先在沙盒里免费走一遍完整流程：演示项目在本机一分钟内训练完成，不产生任何费用。也可以打开你自己的示例，或连接一个账号。</translation>
    </message>
    <message>
        <source>Practise in the Sandbox</source>
        <translation>在沙盒中练习</translation>
    </message>
    <message>
        <source>Open a file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Connect an account…</source>
        <translation>连接账号…</translation>
    </message>
    <message>
        <source>Recent datasets</source>
        <translation>最近的数据集</translation>
    </message>
    <message>
        <source>Training jobs</source>
        <translation>训练任务</translation>
    </message>
    <message>
        <source>Ready models</source>
        <translation>可用的模型</translation>
    </message>
    <message>
        <source>Datasets you open appear here.</source>
        <translation>你打开的数据集会显示在这里。</translation>
    </message>
    <message>
        <source>Jobs you start appear here, with their progress and the time left.</source>
        <translation>你开始的任务会显示在这里，附有进度和剩余时间。</translation>
    </message>
    <message>
        <source>Models you train appear here, ready to try.</source>
        <translation>你训练出的模型会显示在这里，可以直接试用。</translation>
    </message>
    <message>
        <source>Start a job</source>
        <translation>开始任务</translation>
    </message>
    <message>
        <source>Go to Training</source>
        <translation>前往训练</translation>
    </message>
    <message>
        <source>Profile: {name}</source>
        <translation>配置：{name}</translation>
    </message>
    <message>
        <source>{status} · started {date}</source>
        <translation>{status} · 开始于 {date}</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>还需{time}</translation>
    </message>
    <message>
        <source>Click to try it</source>
        <translation>点击试用</translation>
    </message>
</context>
<context>
    <name>JobDetail</name>
    <message>
        <source>Copy name</source>
        <translation>复制名称</translation>
    </message>
    <message>
        <source>Chat with this model in the Try it tab</source>
        <translation>在“试用”页与这个模型对话</translation>
    </message>
    <message>
        <source>Retrain elsewhere…</source>
        <translation>到别处重新训练…</translation>
    </message>
    <message>
        <source>Train this job again on another profile, with its own files</source>
        <translation>用这个任务自己的文件，在另一个配置上再训练一次</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Cancel job…</source>
        <translation>取消任务…</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Double-click a checkpoint to try it</source>
        <translation>双击检查点即可试用</translation>
    </message>
    <message>
        <source>Try this model</source>
        <translation>试用这个模型</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>还需{time}</translation>
    </message>
    <message>
        <source>Select a job to see its progress.</source>
        <translation>选择一个任务查看进度。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{status}&lt;/b&gt; · {id} · {model}</source>
        <translation>&lt;b&gt;{status}&lt;/b&gt; · {id} · {model}</translation>
    </message>
    <message>
        <source>{n} tokens trained</source>
        <translation>已训练 {n} 个 token</translation>
    </message>
    <message>
        <source>Your model: {model}</source>
        <translation>你的模型：{model}</translation>
    </message>
    <message>
        <source>The job failed: {why} Fix the data or settings it names and start a new job; nothing more is billed for this one.</source>
        <translation>任务失败：{why} 请修正提示中的数据或设置后重新创建任务；这个任务不会再产生费用。</translation>
    </message>
    <message>
        <source>no reason given.</source>
        <translation>没有给出原因。</translation>
    </message>
    <message>
        <source>The model name appears here when training succeeds.</source>
        <translation>训练成功后，模型名称会显示在这里。</translation>
    </message>
    <message>
        <source>Step {step}: {model}</source>
        <translation>第 {step} 步：{model}</translation>
    </message>
    <message>
        <source>Reconnecting… ({reason})</source>
        <translation>正在重新连接…（{reason}）</translation>
    </message>
</context>
<context>
    <name>JobForm</name>
    <message>
        <source>Training file</source>
        <translation>训练文件</translation>
    </message>
    <message>
        <source>Validation file</source>
        <translation>验证文件</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Suffix</source>
        <translation>后缀</translation>
    </message>
    <message>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>训练方法</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Learning-rate multiplier</source>
        <translation>学习率倍数</translation>
    </message>
    <message>
        <source>DPO beta</source>
        <translation>DPO beta</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可不填</translation>
    </message>
    <message>
        <source>a JSONL file, or Send to Training in the Dataset tab</source>
        <translation>JSONL 文件，或在“数据集”页点击“去训练”</translation>
    </message>
    <message>
        <source>Pick a base model or one of your fine-tuned models to continue training it; you can also type a model id.</source>
        <translation>选择基础模型，或选择你微调过的模型继续训练；也可以直接输入模型 ID。</translation>
    </message>
    <message>
        <source>Get models…</source>
        <translation>获取模型…</translation>
    </message>
    <message>
        <source>Download a base model to this computer, or use a model folder already on disk</source>
        <translation>将基础模型下载到本机，或使用磁盘上已有的模型文件夹</translation>
    </message>
    <message>
        <source>e.g. support-v1 (optional)</source>
        <translation>例如 support-v1（可不填）</translation>
    </message>
    <message>
        <source>Supervised (examples of good answers)</source>
        <translation>监督微调（提供好的回答示例）</translation>
    </message>
    <message>
        <source>DPO (preferred and non-preferred answers)</source>
        <translation>DPO（提供更好与较差的回答）</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Leave at auto to let the provider choose from your data; change it only if the results show you need to.</source>
        <translation>保持“自动”即可由服务商根据数据决定；只有在结果表明需要时再修改。</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>optional, e.g. team=support, data=v3</source>
        <translation>可不填，例如 team=support, data=v3</translation>
    </message>
    <message>
        <source>Labels kept with the job (metadata) to find it later</source>
        <translation>随任务保存的标签（metadata），方便以后查找</translation>
    </message>
    <message>
        <source>Check, estimate and start…</source>
        <translation>检查、估算并开始…</translation>
    </message>
    <message>
        <source>This provider does not offer DPO training.</source>
        <translation>这家服务商不支持 DPO 训练。</translation>
    </message>
    <message>
        <source>This provider does not take a validation file.</source>
        <translation>这家服务商不接受验证集文件。</translation>
    </message>
    <message>
        <source>This provider does not take a seed.</source>
        <translation>这家服务商不接受随机种子。</translation>
    </message>
    <message>
        <source>training {price} tokens · longest example {context} tokens</source>
        <translation>训练价格 {price} token · 单条样本最长 {context} 个 token</translation>
    </message>
    <message>
        <source>shuts down {date}</source>
        <translation>{date} 下线</translation>
    </message>
    <message>
        <source>This model was shut down on {date}: choose another.</source>
        <translation>这个模型已于 {date} 下线，请换一个。</translation>
    </message>
    <message>
        <source>This model and models trained from it shut down on {date}.</source>
        <translation>这个模型及基于它训练的模型将于 {date} 下线。</translation>
    </message>
    <message>
        <source>This model and models trained from it shut down on {date} ({n} days left).</source>
        <translation>此模型及基于它训练的模型将于 {date} 下线（还剩 {n} 天）。</translation>
    </message>
    <message>
        <source>Write labels as name=value, separated by commas.</source>
        <translation>标签请写成 名称=值，多个之间用逗号分隔。</translation>
    </message>
</context>
<context>
    <name>Journey</name>
    <message>
        <source>not checked yet</source>
        <translation>尚未检查</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>{profile}: {state}</source>
        <translation>{profile}：{state}</translation>
    </message>
    <message>
        <source>Choose where to train</source>
        <translation>选择在哪里训练</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Open or create a dataset</source>
        <translation>打开或新建数据集</translation>
    </message>
    <message>
        <source>{name}: checking…</source>
        <translation>{name}：检查中…</translation>
    </message>
    <message>
        <source>{name}: errors to fix</source>
        <translation>{name}：有错误待修正</translation>
    </message>
    <message>
        <source>{name}: ready</source>
        <translation>{name}：可以训练</translation>
    </message>
    <message>
        <source>Prepare data</source>
        <translation>准备数据</translation>
    </message>
    <message>
        <source>Training: {time} left</source>
        <translation>训练中：还需{time}</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>A model is ready</source>
        <translation>模型已就绪</translation>
    </message>
    <message>
        <source>Start a fine-tuning job</source>
        <translation>开始一个微调任务</translation>
    </message>
    <message>
        <source>Answers seen</source>
        <translation>已看到回答</translation>
    </message>
    <message>
        <source>Chat with your model</source>
        <translation>和你的模型对话</translation>
    </message>
    <message>
        <source>Once a model is trained</source>
        <translation>训练出模型之后</translation>
    </message>
    <message>
        <source>Try</source>
        <translation>试用</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>代码已复制</translation>
    </message>
    <message>
        <source>Copy the code to call it</source>
        <translation>复制调用它的代码</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
</context>
<context>
    <name>LossChart</name>
    <message>
        <source>The training loss will appear here once the job starts training.</source>
        <translation>任务开始训练后，训练损失会显示在这里。</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Point at the lines to read the values; drag a rectangle to zoom in.</source>
        <translation>把鼠标指向曲线即可读数；拖出一个矩形可放大。</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>重置缩放</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>epoch {n}</source>
        <translation>第 {n} 轮</translation>
    </message>
    <message>
        <source>Step {step}</source>
        <translation>第 {step} 步</translation>
    </message>
    <message>
        <source>training loss {loss:.3f}</source>
        <translation>训练损失 {loss:.3f}</translation>
    </message>
    <message>
        <source>validation loss {loss:.3f}</source>
        <translation>验证损失 {loss:.3f}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试用</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>{name}[*] — FineTune Studio</source>
        <translation>{name}[*] — 微调工作室</translation>
    </message>
    <message>
        <source>Job {id} started on this profile.</source>
        <translation>任务 {id} 已在此配置上开始。</translation>
    </message>
    <message>
        <source>Add an answer from Try it</source>
        <translation>从试用页加入回答</translation>
    </message>
    <message>
        <source>Added to the dataset in the Dataset tab; save it there.</source>
        <translation>已加入“数据集”页的数据集，请在那里保存。</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>尚未检查</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Profile: {name} — {state}</source>
        <translation>配置：{name} — {state}</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>沙盒</translation>
    </message>
    <message>
        <source>This is a small demo project in English and Chinese.</source>
        <translation>这是一个中英双语的小型演示项目。</translation>
    </message>
    <message>
        <source>Look through the examples, then click Send to Training: the Sandbox trains it in under a minute.</source>
        <translation>先看看这些样本，然后点“去训练”：沙盒一分钟内就能训练完。</translation>
    </message>
    <message>
        <source>Reset the app?</source>
        <translation>重置应用吗？</translation>
    </message>
    <message>
        <source>Remove every connection profile and its saved key, and set all settings back to their defaults? Your data files are not touched.</source>
        <translation>删除所有连接配置及其保存的密钥，并把所有设置恢复为默认值吗？你的数据文件不会受影响。</translation>
    </message>
    <message>
        <source>The app was reset.</source>
        <translation>应用已重置。</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Close message</source>
        <translation>关闭提示</translation>
    </message>
</context>
<context>
    <name>MessageEditor</name>
    <message>
        <source>learn from this answer</source>
        <translation>学习这条回答</translation>
    </message>
    <message>
        <source>Unticked: the model sees this answer but is not trained to give it (weight 0).</source>
        <translation>不勾选：模型会看到这条回答，但不会被训练成这样回答（weight 为 0）。</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Remove this message</source>
        <translation>删除这条消息</translation>
    </message>
</context>
<context>
    <name>ModelsTab</name>
    <message>
        <source>Search models</source>
        <translation>搜索模型</translation>
    </message>
    <message>
        <source>Only my fine-tuned models</source>
        <translation>只看我微调的模型</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试用</translation>
    </message>
    <message>
        <source>Continue training</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Train this model further with new data</source>
        <translation>用新数据继续训练这个模型</translation>
    </message>
    <message>
        <source>Retrain elsewhere…</source>
        <translation>到别处重新训练…</translation>
    </message>
    <message>
        <source>Train this model again on another profile, with its own files</source>
        <translation>用这个模型自己的文件，在另一个配置上再训练一次</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Write the model into a folder to run it anywhere (adapter, merged model or GGUF)</source>
        <translation>将模型写入文件夹，以便在任何地方运行（适配器、合并后的模型或 GGUF）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Models you train appear here, ready to try, deploy or export.</source>
        <translation>你训练出的模型会显示在这里，可以试用、部署或导出。</translation>
    </message>
    <message>
        <source>Go to Training</source>
        <translation>前往训练</translation>
    </message>
    <message>
        <source>Deploy…</source>
        <translation>部署…</translation>
    </message>
    <message>
        <source>Make the model callable (billed while the deployment exists)</source>
        <translation>让模型可以被调用（部署存在期间计费）</translation>
    </message>
    <message>
        <source>Remove deployment…</source>
        <translation>删除部署…</translation>
    </message>
    <message>
        <source>Stop paying for the deployment; the model itself is kept</source>
        <translation>停止部署计费，模型本身会保留</translation>
    </message>
    <message>
        <source>This provider does not offer deleting models through its API; delete them in its own console.</source>
        <translation>这家服务商不支持通过 API 删除模型，请到它自己的控制台删除。</translation>
    </message>
    <message>
        <source>Deploying {model}… it can answer once the deployment is ready.</source>
        <translation>正在部署 {model}……部署就绪后即可回答问题。</translation>
    </message>
    <message>
        <source>The deployment was removed; it is no longer billed.</source>
        <translation>部署已删除，不再计费。</translation>
    </message>
    <message>
        <source>Delete models</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Deleting cannot be undone and the models stop answering at once. Type {what} to delete {n} model(s):</source>
        <translation>删除后无法恢复，模型会立即停止服务。输入 {what} 以删除 {n} 个模型：</translation>
    </message>
    <message>
        <source>Deleted {n} model(s).</source>
        <translation>已删除 {n} 个模型。</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <source>{tab} ({shortcut})</source>
        <translation>{tab}（{shortcut}）</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>{title} ({n})</source>
        <translation>{title}（{n}）</translation>
    </message>
    <message>
        <source>Click to fix it.</source>
        <translation>点击即可修复。</translation>
    </message>
    <message>
        <source>Row {n}: {message}</source>
        <translation>第 {n} 行：{message}</translation>
    </message>
    <message>
        <source>… and {n} more (click the group to see them all)</source>
        <translation>……还有 {n} 行（点击分组查看全部）</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Saved — type a new key to replace it</source>
        <translation>已保存——输入新密钥即可替换</translation>
    </message>
    <message>
        <source>Paste your key here</source>
        <translation>在这里粘贴密钥</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>沙盒</translation>
    </message>
</context>
<context>
    <name>ProfileListModel</name>
    <message>
        <source>Sandbox (offline practice)</source>
        <translation>沙盒（离线练习）</translation>
    </message>
    <message>
        <source>{name} — active</source>
        <translation>{name} — 使用中</translation>
    </message>
</context>
<context>
    <name>RetrainDialog</name>
    <message>
        <source>Retrain elsewhere</source>
        <translation>到别处重新训练</translation>
    </message>
    <message>
        <source>Train {name} again on another profile, with the same training and validation files.</source>
        <translation>用相同的训练和验证文件，在另一个配置上再训练一次 {name}。</translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation>配置：</translation>
    </message>
    <message>
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <source>Start…</source>
        <translation>开始…</translation>
    </message>
    <message>
        <source>Fetching the files and the models offered…</source>
        <translation>正在获取文件和可用的模型…</translation>
    </message>
    <message>
        <source>Choose the profile to train on.</source>
        <translation>请选择要在其上训练的配置。</translation>
    </message>
    <message>
        <source>Suggested base model: {model} ({why}).</source>
        <translation>建议的基础模型：{model}（{why}）。</translation>
    </message>
    <message>
        <source>Files: {files}</source>
        <translation>文件：{files}</translation>
    </message>
    <message>
        <source>Epochs: {epochs}</source>
        <translation>训练轮数：{epochs}</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>The new job is linked to {id}; compare the models in Try it once it is done.</source>
        <translation>新任务已关联到 {id}；完成后可在“试用”页比较两个模型。</translation>
    </message>
    <message>
        <source>Left out: {what}</source>
        <translation>未带上：{what}</translation>
    </message>
    <message>
        <source>Start training?</source>
        <translation>开始训练吗？</translation>
    </message>
    <message>
        <source>Compare with: {old}</source>
        <translation>与之比较：{old}</translation>
    </message>
</context>
<context>
    <name>ReviewEditDialog</name>
    <message>
        <source>Edit new row</source>
        <translation>编辑新行</translation>
    </message>
    <message>
        <source>Question:</source>
        <translation>问题：</translation>
    </message>
    <message>
        <source>Answer:</source>
        <translation>回答：</translation>
    </message>
    <message>
        <source>The passage of the document this row was written from</source>
        <translation>这一行所依据的文档段落</translation>
    </message>
</context>
<context>
    <name>ReviewQueue</name>
    <message>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <source>Add the selected rows to the file</source>
        <translation>把所选行加入文件</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Drop the selected rows (Ctrl+Z brings them back)</source>
        <translation>丢弃所选行（Ctrl+Z 可恢复）</translation>
    </message>
    <message>
        <source>Accept all remaining</source>
        <translation>接受其余全部</translation>
    </message>
    <message>
        <source>Add every row that has an answer to the file; rows with a problem stay here</source>
        <translation>把所有有回答的行加入文件；有问题的行留在这里</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>New rows to review: {n}. Nothing joins your file until you accept it.</source>
        <translation>待审阅的新行：{n} 条。你接受之前，不会有任何行加入文件。</translation>
    </message>
</context>
<context>
    <name>RowEditor</name>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Add a message</source>
        <translation>添加消息</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Put your changes into the table (Ctrl+Z undoes them)</source>
        <translation>把修改写入表格（Ctrl+Z 可以撤销）</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Row {n}</source>
        <translation>第 {n} 行</translation>
    </message>
    <message>
        <source>Select a row to edit it.</source>
        <translation>选择一行即可编辑。</translation>
    </message>
    <message>
        <source>Line {line}, column {column}: {error}</source>
        <translation>第 {line} 行第 {column} 列：{error}</translation>
    </message>
    <message>
        <source>A row must be one JSON object {…}.</source>
        <translation>每一行必须是一个 JSON 对象 {…}。</translation>
    </message>
    <message>
        <source>Valid JSON.</source>
        <translation>JSON 格式正确。</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <source>Connection profiles</source>
        <translation>连接配置</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>配置详情</translation>
    </message>
    <message>
        <source>Language of the app</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Use this profile</source>
        <translation>使用此配置</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language and look</source>
        <translation>语言和外观</translation>
    </message>
    <message>
        <source>Colours</source>
        <translation>配色</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Next: prepare data</source>
        <translation>下一步：准备数据</translation>
    </message>
    <message>
        <source>Open the Dataset tab</source>
        <translation>打开“数据集”页</translation>
    </message>
    <message>
        <source>Only the practice Sandbox so far. To train for real, click Add… and connect an account.</source>
        <translation>目前只有练习用的沙盒。要真正训练，请点击“添加…”连接一个账号。</translation>
    </message>
    <message>
        <source>Cancel test</source>
        <translation>取消测试</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>New profile: fill in the fields, then click Save.</source>
        <translation>新配置：填好各项后点击“保存”。</translation>
    </message>
    <message>
        <source>Profile “{name}” saved.</source>
        <translation>配置“{name}”已保存。</translation>
    </message>
    <message>
        <source>Connection test cancelled.</source>
        <translation>已取消连接测试。</translation>
    </message>
    <message>
        <source>Store keys in a file only I can read</source>
        <translation>把密钥存到只有我能读取的文件中</translation>
    </message>
    <message>
        <source>Keep keys for this session only</source>
        <translation>只在本次运行期间保存密钥</translation>
    </message>
    <message>
        <source>An API key was found in the OPENAI_API_KEY environment variable.</source>
        <translation>在环境变量 OPENAI_API_KEY 中发现了 API 密钥。</translation>
    </message>
    <message>
        <source>Import as a profile</source>
        <translation>导入为配置</translation>
    </message>
</context>
<context>
    <name>StartPanel</name>
    <message>
        <source>Your training examples appear here, one row each, checked as you edit them.</source>
        <translation>你的训练示例会显示在这里，每行一个，编辑时随时检查。</translation>
    </message>
    <message>
        <source>Open a file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Start from a template</source>
        <translation>从模板开始</translation>
    </message>
    <message>
        <source>Practise in the Sandbox</source>
        <translation>在沙盒中练习</translation>
    </message>
    <message>
        <source>Open a small demo project and train it for free in the Sandbox</source>
        <translation>打开一个小型演示项目，在沙盒中免费训练</translation>
    </message>
</context>
<context>
    <name>StepBar</name>
    <message>
        <source>Your way through the app</source>
        <translation>使用步骤</translation>
    </message>
</context>
<context>
    <name>StepButton</name>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>under way</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>to do</source>
        <translation>待完成</translation>
    </message>
    <message>
        <source>Step {n} of {total}: {title}</source>
        <translation>第 {n} 步（共 {total} 步）：{title}</translation>
    </message>
</context>
<context>
    <name>SummaryBar</name>
    <message>
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <source>The model you will fine-tune: it sets the tokenizer, the longest example and the price.</source>
        <translation>要微调的模型：它决定分词方式、单条样本的最大长度和价格。</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>训练轮数：</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>How many times training goes through your examples; auto follows the API&apos;s rule.</source>
        <translation>训练时把全部样本过几遍；“自动”按 API 的规则决定。</translation>
    </message>
    <message>
        <source>Send to Training</source>
        <translation>去训练</translation>
    </message>
    <message>
        <source>Save the file and use it in the Training tab</source>
        <translation>保存文件，并在“训练”页中使用它</translation>
    </message>
    <message>
        <source>Opening and checking…</source>
        <translation>正在打开并检查…</translation>
    </message>
    <message>
        <source>No dataset open.</source>
        <translation>还没有打开数据集。</translation>
    </message>
    <message>
        <source>about ${usd:,.2f} for {epochs} epochs (prices as of {date}, an estimate)</source>
        <translation>训练 {epochs} 轮约 ${usd:,.2f}（按 {date} 的价格估算）</translation>
    </message>
    <message>
        <source>no price known for this model</source>
        <translation>没有这个模型的价格</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>检查中…</translation>
    </message>
    <message>
        <source>Errors to fix before training: {n}</source>
        <translation>训练前需要修正的错误：{n} 个</translation>
    </message>
    <message>
        <source>Ready to train</source>
        <translation>可以训练</translation>
    </message>
    <message>
        <source>{examples} examples · {format} · {tokens} tokens (longest {max}) · {price} — {verdict}</source>
        <translation>{examples} 条样本 · {format} · {tokens} 个 token（最长 {max}）· {price} — {verdict}</translation>
    </message>
    <message>
        <source>Recognised: {what}</source>
        <translation>已识别：{what}</translation>
    </message>
</context>
<context>
    <name>TrainingTab</name>
    <message>
        <source>New fine-tuning job</source>
        <translation>新建微调任务</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Show older jobs</source>
        <translation>显示更早的任务</translation>
    </message>
    <message>
        <source>Export all jobs…</source>
        <translation>导出全部任务…</translation>
    </message>
    <message>
        <source>Save every job, its events, results and files into a folder, so you keep them if the provider or a model goes away</source>
        <translation>把所有任务及其事件、结果和文件保存到文件夹中，即使服务商或模型下线也不会丢失</translation>
    </message>
    <message>
        <source>Jobs you start appear here, with their progress, loss curve and the time left.</source>
        <translation>你开始的任务会显示在这里，附有进度、损失曲线和剩余时间。</translation>
    </message>
    <message>
        <source>Start a job…</source>
        <translation>开始任务…</translation>
    </message>
    <message>
        <source>Check the training file, see the cost, then start</source>
        <translation>检查训练文件，查看费用，然后开始</translation>
    </message>
    <message>
        <source>This account can no longer create fine-tuning jobs. Your trained models keep answering until their shutdown date. To train again, export your jobs and files and add a profile for another provider in Settings.</source>
        <translation>此账号已不能再创建微调任务。你已训练的模型在下线日期之前仍可回答。若要再次训练，请导出任务和文件，并在“设置”中添加其他服务商的配置。</translation>
    </message>
    <message>
        <source>(Practice: the Sandbox shows OpenAI&apos;s dates.)</source>
        <translation>（练习：沙盒显示的是 OpenAI 的日期。）</translation>
    </message>
    <message>
        <source>Choose a folder for the export</source>
        <translation>选择导出文件夹</translation>
    </message>
    <message>
        <source>Exporting… %p%</source>
        <translation>正在导出… %p%</translation>
    </message>
    <message>
        <source>Every job was saved to {folder}.</source>
        <translation>所有任务已保存到 {folder}。</translation>
    </message>
    <message>
        <source>Choose a training file</source>
        <translation>选择训练文件</translation>
    </message>
    <message>
        <source>Cancelled: no job was started.</source>
        <translation>已取消：没有启动任何任务。</translation>
    </message>
    <message>
        <source>Job {id} started. You can close the app: it keeps running at the provider and this tab picks it up again.</source>
        <translation>任务 {id} 已启动。可以关闭应用：任务会在服务商那里继续运行，下次打开这里会接着显示。</translation>
    </message>
    <message>
        <source>Fine-tuning job {status}</source>
        <translation>微调任务{status}</translation>
    </message>
    <message>
        <source>Cancel the job?</source>
        <translation>取消任务吗？</translation>
    </message>
    <message>
        <source>Cancel {id}? Training stops; what was already trained is still billed.</source>
        <translation>要取消 {id} 吗？训练会停止，已经训练的部分仍会计费。</translation>
    </message>
</context>
<context>
    <name>TryItTab</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>system 提示</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>compare with</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>optional: the system message your training data used</source>
        <translation>可不填：训练数据中使用的 system 消息</translation>
    </message>
    <message>
        <source>default temperature</source>
        <translation>默认温度</translation>
    </message>
    <message>
        <source>default length</source>
        <translation>默认长度</translation>
    </message>
    <message>
        <source>stop sequences, comma separated</source>
        <translation>停止符，多个用逗号分隔</translation>
    </message>
    <message>
        <source>prompt separator, e.g. \n\n###\n\n</source>
        <translation>提示分隔符，例如 \n\n###\n\n</translation>
    </message>
    <message>
        <source>Added after your question, as in the model&apos;s training data; found there automatically for your fine-tuned legacy models</source>
        <translation>加在问题后面，与模型训练数据一致；对你微调的旧版模型会自动从训练数据中找出</translation>
    </message>
    <message>
        <source>stream</source>
        <translation>流式输出</translation>
    </message>
    <message>
        <source>Show the answer as it is written. Switch off if your gateway or proxy breaks streamed answers.</source>
        <translation>边生成边显示回答。如果网关或代理会破坏流式输出，请关闭。</translation>
    </message>
    <message>
        <source>Ask something your model was trained on (Ctrl+Enter sends)</source>
        <translation>问一个模型训练过的问题（Ctrl+Enter 发送）</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Add to dataset</source>
        <translation>加入数据集</translation>
    </message>
    <message>
        <source>Turn the last question and answer into a training example</source>
        <translation>把最后一问一答变成一条训练样本</translation>
    </message>
    <message>
        <source>Copy code to use it</source>
        <translation>复制调用代码</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Validation set</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Ask every question of a file and compare the answers with the expected ones</source>
        <translation>逐条提问文件中的问题，并把回答与期望回答比较</translation>
    </message>
    <message>
        <source>stopped; what arrived is kept</source>
        <translation>已停止；已收到的内容会保留</translation>
    </message>
    <message>
        <source>Ask again</source>
        <translation>重新提问</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>没有回答</translation>
    </message>
    <message>
        <source>This connection does not stream answers, so streaming is now off for this profile.</source>
        <translation>这个连接不支持流式输出，已为此配置关闭流式输出。</translation>
    </message>
    <message>
        <source>Answers appear when they are complete.</source>
        <translation>回答会在生成完成后一次显示。</translation>
    </message>
    <message>
        <source>not streamed</source>
        <translation>非流式</translation>
    </message>
    <message>
        <source>A proxy or gateway on the way holds streamed answers back until they are complete.</source>
        <translation>线路上的代理或网关会把流式回答攒到最后才一起发送。</translation>
    </message>
    <message>
        <source>Nothing is lost; answers just appear at once.</source>
        <translation>内容不会丢失，只是会一次性出现。</translation>
    </message>
    <message>
        <source>buffered by the gateway</source>
        <translation>被网关缓冲</translation>
    </message>
</context>
<context>
    <name>TurnBlock</name>
    <message>
        <source>Copy answer</source>
        <translation>复制回答</translation>
    </message>
    <message>
        <source>Copy the answer as the model wrote it</source>
        <translation>按模型原样复制回答</translation>
    </message>
    <message>
        <source>Your question</source>
        <translation>你的问题</translation>
    </message>
    <message>
        <source>The model&apos;s answer</source>
        <translation>模型的回答</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <source>[image: {alt}]</source>
        <translation>[图片：{alt}]</translation>
    </message>
</context>
<context>
    <name>UpdateChecker</name>
    <message>
        <source>Check for &amp;updates…</source>
        <translation>检查更新(&amp;U)…</translation>
    </message>
    <message>
        <source>See whether a newer version is out; nothing is downloaded</source>
        <translation>看看是否有新版本；不会下载任何东西</translation>
    </message>
</context>
<context>
    <name>UpdateDialog</name>
    <message>
        <source>Check for updates</source>
        <translation>检查更新</translation>
    </message>
    <message>
        <source>Open the release page</source>
        <translation>打开发布页面</translation>
    </message>
    <message>
        <source>Looking for a newer version…</source>
        <translation>正在检查是否有新版本…</translation>
    </message>
    <message>
        <source>{app} {latest} is available; you have {current}.</source>
        <translation>{app} {latest} 已发布，你当前使用的是 {current}。</translation>
    </message>
    <message>
        <source>What is new is below. Download it from the release page: the app never downloads or installs anything by itself.</source>
        <translation>更新内容见下方。请从发布页面下载：应用不会自己下载或安装任何东西。</translation>
    </message>
    <message>
        <source>You have the newest version, {app} {current}.</source>
        <translation>你使用的已是最新版本：{app} {current}。</translation>
    </message>
</context>
<context>
    <name>UpdateOptIn</name>
    <message>
        <source>Look for a newer version when the app starts</source>
        <translation>启动时检查是否有新版本</translation>
    </message>
    <message>
        <source>Reads the version number and release notes from the project&apos;s release page; nothing is downloaded. Help → Check for updates works either way.</source>
        <translation>从项目的发布页面读取版本号和更新说明，不会下载任何东西。无论是否勾选，“帮助 → 检查更新”都可使用。</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome to FineTune Studio</source>
        <translation>欢迎使用微调工作室</translation>
    </message>
    <message>
        <source>Welcome!</source>
        <translation>欢迎！</translation>
    </message>
    <message>
        <source>FineTune Studio teaches a model your own answers: prepare examples, train, then try the result. Start with a free practice run in the Sandbox — it runs on this computer, trains a pretend model in under a minute and bills nothing.</source>
        <translation>微调工作室帮你把自己的回答教给模型：准备样本、训练、再试用效果。建议先在沙盒里免费练习一次——沙盒运行在你的电脑上，一分钟内训练出一个模拟模型，不产生任何费用。</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Practise in the Sandbox with a demo project (free)</source>
        <translation>用演示项目在沙盒中练习（免费）</translation>
    </message>
    <message>
        <source>Connect my OpenAI account…</source>
        <translation>连接我的 OpenAI 账号…</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Your API key&lt;/b&gt; is on &lt;a href=&apos;https://platform.openai.com/api-keys&apos;&gt;platform.openai.com/api-keys&lt;/a&gt;: create a key and copy it (it starts with &lt;code&gt;sk-&lt;/code&gt;). It is kept in your system&apos;s keyring, never in a file you share.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Base URL&lt;/b&gt; is the address of the service. Leave it as it is for OpenAI; a gateway or relay service gives you its own address.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Proxy&lt;/b&gt;: only if you need one to reach the internet, e.g. &lt;code&gt;http://127.0.0.1:7890&lt;/code&gt;.&lt;/p&gt;&lt;p&gt;Settings then checks each step of the connection and tells you what to fix.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;API 密钥&lt;/b&gt;在 &lt;a href=&apos;https://platform.openai.com/api-keys&apos;&gt;platform.openai.com/api-keys&lt;/a&gt; 页面：新建一个密钥并复制（以 &lt;code&gt;sk-&lt;/code&gt; 开头）。密钥保存在系统密钥环中，不会写进任何你可能分享的文件。&lt;/p&gt;&lt;p&gt;&lt;b&gt;Base URL&lt;/b&gt; 是服务的地址。使用 OpenAI 时保持默认即可；网关或中转服务会提供自己的地址。&lt;/p&gt;&lt;p&gt;&lt;b&gt;代理&lt;/b&gt;：只有需要代理才能上网时才填，例如 &lt;code&gt;http://127.0.0.1:7890&lt;/code&gt;。&lt;/p&gt;&lt;p&gt;之后“设置”会逐步检查连接，并告诉你需要修正什么。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Other providers&lt;/b&gt;: OpenAI stops taking new self-serve fine-tuning jobs in early 2027. In Settings, &lt;i&gt;Add…&lt;/i&gt; also offers {providers}.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;其他服务商&lt;/b&gt;：OpenAI 将于 2027 年初停止接受新的自助微调任务。在“设置”中，&lt;i&gt;添加…&lt;/i&gt; 还提供：{providers}。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
</context>
</TS>
